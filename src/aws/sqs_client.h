// SQS over its JSON protocol (X-Amz-Target: AmazonSQS.<Action>, application/x-amz-json-1.0),
// for the interruption queue EventBridge fills: long-poll receive, delete (batched), extend
// visibility, read attributes.
//
//   SqsClient sqs(session.transport(), session.config().Endpoint("sqs"));
//   Result<std::vector<SqsMessage>> batch = sqs.ReceiveMessage(queue_url, {.wait_seconds = 20});
//   for (auto& m : *batch) { handle(m.body); }
//   sqs.DeleteMessageBatch(queue_url, handled);
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "aws/aws_config.h"
#include "aws/aws_transport.h"

namespace cloudoptim::aws {

struct SqsMessage {
  std::string message_id;
  std::string receipt_handle;
  std::string body;
  int32_t receive_count = 0;  // ApproximateReceiveCount
  TimePoint sent_at{};        // SentTimestamp
};

struct ReceiveOptions {
  int32_t max_messages = 10;                // 1..10
  int32_t wait_seconds = 20;                // 0..20; 20 is SQS's longest long poll
  int32_t visibility_timeout_seconds = -1;  // -1: the queue's default
};

// A message to delete in a batch: an id unique within the batch, and its receipt handle.
struct BatchEntry {
  std::string id;
  std::string receipt_handle;
};

struct BatchFailure {
  std::string id;
  std::string code;
  std::string message;
};

class SqsClient {
 public:
  SqsClient(AwsTransport& transport, ServiceEndpoint endpoint);

  // InvalidArgument when max_messages or wait_seconds are out of SQS's ranges.
  Result<std::vector<SqsMessage>> ReceiveMessage(const std::string& queue_url,
                                                 const ReceiveOptions& options);
  Status DeleteMessage(const std::string& queue_url, const std::string& receipt_handle);
  // Any number of entries, sent 10 per call (SQS's limit). Returns the entries SQS refused.
  Result<std::vector<BatchFailure>> DeleteMessageBatch(const std::string& queue_url,
                                                       const std::vector<BatchEntry>& entries);
  Status ChangeMessageVisibility(const std::string& queue_url, const std::string& receipt_handle,
                                 int32_t visibility_timeout_seconds);
  Result<std::map<std::string, std::string>> GetQueueAttributes(
      const std::string& queue_url, const std::vector<std::string>& names = {"All"});
  Result<std::string> GetQueueUrl(const std::string& queue_name);
  // Used by tests and the sandbox; CloudOptim itself only consumes.
  Result<std::string> SendMessage(const std::string& queue_url, const std::string& body);
  // Returns the queue URL. Used by tests; customers create the queue from our template.
  Result<std::string> CreateQueue(const std::string& queue_name);

 private:
  // Sends `json` as AmazonSQS.<action>; returns the JSON answer text.
  Result<std::string> Call(std::string_view action, const std::string& json,
                           std::chrono::milliseconds timeout = {});

  AwsTransport& transport_;
  ServiceEndpoint endpoint_;
};

}  // namespace cloudoptim::aws
