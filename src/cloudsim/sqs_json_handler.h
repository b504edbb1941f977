// Serves the simulated account's one SQS queue over SQS's JSON protocol (X-Amz-Target:
// AmazonSQS.<Op>, application/x-amz-json-1.0), as recent botocore and the AWS SDKs speak it:
// ReceiveMessage with long polling and visibility timeouts, DeleteMessage(Batch),
// ChangeMessageVisibility, GetQueueAttributes, GetQueueUrl and SendMessage. Errors are JSON
// with "__type" and the x-amzn-query-error header that query-compatible clients read.
//
//   SqsJsonHandler sqs(cloud, clock);
//   WireResponse r = sqs.Handle("ReceiveMessage", body, "http://127.0.0.1:4566", request_id);
#pragma once

#include <atomic>
#include <string>
#include <string_view>

#include "cloudsim/aws_wire_encoding.h"
#include "cloudsim/simulated_cloud.h"
#include "common/clock.h"

namespace cloudoptim {

class SqsJsonHandler {
 public:
  // The queue's defaults, as a queue created with no attributes has them.
  static constexpr Duration kDefaultVisibility = std::chrono::seconds(30);
  static constexpr int kMaxWaitSeconds = 20;

  SqsJsonHandler(SimulatedCloud& cloud, Clock& clock) : cloud_(cloud), clock_(clock) {}

  // `endpoint_url` is where the client reached us (queue URLs are built from it). Long polls
  // wait in wall time and end early when `stopping` becomes true.
  WireResponse Handle(std::string_view operation, std::string_view body,
                      std::string_view endpoint_url, std::string_view request_id,
                      const std::atomic<bool>* stopping = nullptr);
  // An SQS JSON error: {"__type": type, "message": ...} and x-amzn-query-error:
  // "<query_code>;Sender".
  static WireResponse ErrorResponse(std::string_view type, std::string_view query_code,
                                    std::string_view message, int http_status,
                                    std::string_view request_id);

 private:
  SimulatedCloud& cloud_;
  Clock& clock_;
};

}  // namespace cloudoptim
