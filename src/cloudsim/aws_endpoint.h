// The sandbox's simulated AWS account served over plain HTTP on loopback in AWS's own wire
// formats, so that the real AWS CLI and CloudOptim's AWS client work against it unchanged:
// EC2 (Query protocol, XML), SQS (JSON protocol) and STS (Query protocol, XML). A request is
// routed by its X-Amz-Target header (SQS), else by the service in its SigV4 credential scope,
// else by its Action. Signatures are not verified, but an Authorization header must be present
// and well-formed.
//
//   AwsEndpoint endpoint(cloud, clock);
//   CO_RETURN_IF_ERROR(endpoint.Start("127.0.0.1", 0));      // 0 = any free port
//   std::string url = endpoint.url();                         // "http://127.0.0.1:40123"
//   std::string queue = endpoint.QueueUrl();                  // for SQS clients
//   // aws --endpoint-url $url ec2 describe-instances
//   endpoint.Stop();
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "cloudsim/aws_wire_encoding.h"
#include "cloudsim/cloud_ids.h"
#include "cloudsim/ec2_query_handler.h"
#include "cloudsim/simulated_cloud.h"
#include "cloudsim/sqs_json_handler.h"
#include "cloudsim/sts_query_handler.h"
#include "common/clock.h"

namespace cloudoptim {

class AwsEndpoint {
 public:
  AwsEndpoint(SimulatedCloud& cloud, Clock& clock);
  ~AwsEndpoint();
  AwsEndpoint(const AwsEndpoint&) = delete;
  AwsEndpoint& operator=(const AwsEndpoint&) = delete;

  // Binds and starts serving on a background thread. Unavailable when the port is taken;
  // FailedPrecondition when already started.
  Status Start(const std::string& host, int port);
  int port() const { return port_; }
  // "http://<host>:<port>" (127.0.0.1 when bound to 0.0.0.0).
  std::string url() const;
  // The simulated queue's URL at this endpoint, for SQS clients (CloudOptim's queue URL).
  std::string QueueUrl() const { return cloud_.QueueUrl(url()); }
  // Stops serving; waits for requests in flight (long polls end within ~100 ms).
  void Stop();

  // Before each request the cloud is advanced to the clock's time, so that what the caller
  // sees is current even if nothing else drives the cloud. On by default; turn off when the
  // owner drives SimulatedCloud::Advance itself and wants to be the only caller.
  void set_advance_on_request(bool advance) { advance_on_request_ = advance; }
  // AssumeRole then requires this ExternalId (see StsQueryHandler::RequireExternalId).
  void RequireExternalId(std::string external_id) {
    sts_.RequireExternalId(std::move(external_id));
  }

  // One request, routed and answered; what the HTTP server calls, public for tests.
  // `endpoint_url` is how the client reached us (queue URLs are built from it).
  WireResponse Handle(const WireRequest& request, const std::string& endpoint_url);

 private:
  std::string NextRequestId();

  SimulatedCloud& cloud_;
  Clock& clock_;
  Ec2QueryHandler ec2_;
  SqsJsonHandler sqs_;
  StsQueryHandler sts_;
  std::atomic<bool> advance_on_request_ = true;
  std::atomic<bool> stopping_ = false;
  std::mutex ids_mutex_;
  CloudIds request_ids_;
  struct Server;  // httplib stays out of this header
  std::unique_ptr<Server> server_;
  std::thread thread_;
  std::string host_;
  int port_ = 0;
};

}  // namespace cloudoptim
