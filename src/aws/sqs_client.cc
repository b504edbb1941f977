#include "aws/sqs_client.h"

#include <nlohmann/json.hpp>

#include "aws/json_member.h"

namespace cloudoptim::aws {
namespace {

using nlohmann::json;

Result<json> ParseJson(const std::string& text, std::string_view action) {
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return InvalidArgument("sqs:" + std::string(action) +
                           " response is not a JSON object: " + text.substr(0, 120));
  }
  return parsed;
}

int64_t IntAttribute(const json& attributes, const char* key) {
  const std::string text = StringMember(attributes, key);
  return text.empty() ? 0 : std::strtoll(text.c_str(), nullptr, 10);
}

}  // namespace

SqsClient::SqsClient(AwsTransport& transport, ServiceEndpoint endpoint)
    : transport_(transport), endpoint_(std::move(endpoint)) {}

Result<std::string> SqsClient::Call(std::string_view action, const std::string& body,
                                    std::chrono::milliseconds timeout) {
  HttpHeaders headers;
  headers.Set("X-Amz-Target", "AmazonSQS." + std::string(action));
  return transport_.Post(endpoint_, action, "application/x-amz-json-1.0", body, headers, true,
                         timeout);
}

Result<std::vector<SqsMessage>> SqsClient::ReceiveMessage(const std::string& queue_url,
                                                          const ReceiveOptions& options) {
  if (options.max_messages < 1 || options.max_messages > 10) {
    return InvalidArgument("sqs:ReceiveMessage max_messages " +
                           std::to_string(options.max_messages) + " is outside 1..10");
  }
  if (options.wait_seconds < 0 || options.wait_seconds > 20) {
    return InvalidArgument("sqs:ReceiveMessage wait_seconds " +
                           std::to_string(options.wait_seconds) + " is outside 0..20");
  }
  json request = {{"QueueUrl", queue_url},
                  {"MaxNumberOfMessages", options.max_messages},
                  {"WaitTimeSeconds", options.wait_seconds},
                  {"AttributeNames", {"All"}},
                  {"MessageSystemAttributeNames", {"All"}}};
  if (options.visibility_timeout_seconds >= 0) {
    request["VisibilityTimeout"] = options.visibility_timeout_seconds;
  }
  // The HTTP exchange must outlive the long poll.
  const auto timeout = std::chrono::seconds(options.wait_seconds + 15);
  CO_ASSIGN_OR_RETURN(std::string text, Call("ReceiveMessage", request.dump(), timeout));
  CO_ASSIGN_OR_RETURN(json answer, ParseJson(text, "ReceiveMessage"));
  std::vector<SqsMessage> messages;
  auto list = answer.find("Messages");
  if (list == answer.end() || !list->is_array()) return messages;
  for (const json& item : *list) {
    if (!item.is_object()) continue;
    SqsMessage message{.message_id = StringMember(item, "MessageId"),
                       .receipt_handle = StringMember(item, "ReceiptHandle"),
                       .body = StringMember(item, "Body")};
    if (auto attributes = item.find("Attributes");
        attributes != item.end() && attributes->is_object()) {
      message.receive_count =
          static_cast<int32_t>(IntAttribute(*attributes, "ApproximateReceiveCount"));
      message.sent_at =
          TimePoint(std::chrono::milliseconds(IntAttribute(*attributes, "SentTimestamp")));
    }
    messages.push_back(std::move(message));
  }
  return messages;
}

Status SqsClient::DeleteMessage(const std::string& queue_url, const std::string& receipt) {
  json request = {{"QueueUrl", queue_url}, {"ReceiptHandle", receipt}};
  CO_RETURN_IF_ERROR(Call("DeleteMessage", request.dump()));
  return Ok();
}

Result<std::vector<BatchFailure>> SqsClient::DeleteMessageBatch(
    const std::string& queue_url, const std::vector<BatchEntry>& entries) {
  constexpr size_t kMaxBatch = 10;
  std::vector<BatchFailure> failures;
  for (size_t start = 0; start < entries.size(); start += kMaxBatch) {
    json list = json::array();
    for (size_t i = start; i < std::min(entries.size(), start + kMaxBatch); ++i) {
      list.push_back({{"Id", entries[i].id}, {"ReceiptHandle", entries[i].receipt_handle}});
    }
    json request = {{"QueueUrl", queue_url}, {"Entries", list}};
    CO_ASSIGN_OR_RETURN(std::string text, Call("DeleteMessageBatch", request.dump()));
    CO_ASSIGN_OR_RETURN(json answer, ParseJson(text, "DeleteMessageBatch"));
    if (auto failed = answer.find("Failed"); failed != answer.end() && failed->is_array()) {
      for (const json& item : *failed) {
        failures.push_back(
            {StringMember(item, "Id"), StringMember(item, "Code"), StringMember(item, "Message")});
      }
    }
  }
  return failures;
}

Status SqsClient::ChangeMessageVisibility(const std::string& queue_url,
                                          const std::string& receipt_handle,
                                          int32_t visibility_timeout_seconds) {
  json request = {{"QueueUrl", queue_url},
                  {"ReceiptHandle", receipt_handle},
                  {"VisibilityTimeout", visibility_timeout_seconds}};
  CO_RETURN_IF_ERROR(Call("ChangeMessageVisibility", request.dump()));
  return Ok();
}

Result<std::map<std::string, std::string>> SqsClient::GetQueueAttributes(
    const std::string& queue_url, const std::vector<std::string>& names) {
  json request = {{"QueueUrl", queue_url}, {"AttributeNames", names}};
  CO_ASSIGN_OR_RETURN(std::string text, Call("GetQueueAttributes", request.dump()));
  CO_ASSIGN_OR_RETURN(json answer, ParseJson(text, "GetQueueAttributes"));
  std::map<std::string, std::string> attributes;
  if (auto found = answer.find("Attributes"); found != answer.end() && found->is_object()) {
    for (const auto& [key, value] : found->items()) {
      attributes[key] = value.is_string() ? value.get<std::string>() : value.dump();
    }
  }
  return attributes;
}

Result<std::string> SqsClient::GetQueueUrl(const std::string& queue_name) {
  json request = {{"QueueName", queue_name}};
  CO_ASSIGN_OR_RETURN(std::string text, Call("GetQueueUrl", request.dump()));
  CO_ASSIGN_OR_RETURN(json answer, ParseJson(text, "GetQueueUrl"));
  std::string url = StringMember(answer, "QueueUrl");
  if (url.empty()) return InvalidArgument("sqs:GetQueueUrl response has no QueueUrl");
  return url;
}

Result<std::string> SqsClient::SendMessage(const std::string& queue_url, const std::string& body) {
  json request = {{"QueueUrl", queue_url}, {"MessageBody", body}};
  CO_ASSIGN_OR_RETURN(std::string text, Call("SendMessage", request.dump()));
  CO_ASSIGN_OR_RETURN(json answer, ParseJson(text, "SendMessage"));
  return StringMember(answer, "MessageId");
}

Result<std::string> SqsClient::CreateQueue(const std::string& queue_name) {
  json request = {{"QueueName", queue_name}};
  CO_ASSIGN_OR_RETURN(std::string text, Call("CreateQueue", request.dump()));
  CO_ASSIGN_OR_RETURN(json answer, ParseJson(text, "CreateQueue"));
  std::string url = StringMember(answer, "QueueUrl");
  if (url.empty()) return InvalidArgument("sqs:CreateQueue response has no QueueUrl");
  return url;
}

}  // namespace cloudoptim::aws
