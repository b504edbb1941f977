#include "cloudsim/sqs_json_handler.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <thread>
#include <variant>

namespace cloudoptim {
namespace {

using nlohmann::json;

// Never throws: text from the request (a bad queue name, a receipt handle) may not be UTF-8.
std::string Dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// An SQS error: the JSON protocol's "__type" shape name, and the query-protocol code that the
// x-amzn-query-error header carries (what query-compatible clients report as the code).
struct SqsError {
  std::string type;
  std::string query_code;
  std::string message;
};

WireResponse SqsErrorResponse(const SqsError& error, std::string_view request_id) {
  return SqsJsonHandler::ErrorResponse(error.type, error.query_code, error.message, 400,
                                       request_id);
}

SqsError Invalid(std::string message) {
  return {"com.amazonaws.sqs#InvalidParameterValue", "InvalidParameterValue", std::move(message)};
}

SqsError FromError(const Error& error) {
  const AwsError aws = ToAwsError(error);
  if (aws.code == "ReceiptHandleIsInvalid") {
    return {"com.amazonaws.sqs#ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", aws.message};
  }
  if (aws.code == "MessageNotInflight") {
    return {"com.amazonaws.sqs#MessageNotInflight", "AWS.SimpleQueueService.MessageNotInflight",
            aws.message};
  }
  return Invalid(aws.message);
}

const SqsError kNoSuchQueue = {"com.amazonaws.sqs#QueueDoesNotExist",
                               "AWS.SimpleQueueService.NonExistentQueue",
                               "The specified queue does not exist."};

std::string Millis(TimePoint t) {
  return std::to_string(
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
}

// Reads an optional integer member; InvalidParameterValue names it when it is not one.
Result<std::optional<int64_t>> IntMember(const json& request, const char* name) {
  if (!request.contains(name)) return std::optional<int64_t>();
  const json& value = request[name];
  if (!value.is_number_integer()) {
    return InvalidArgument(std::string("Value for parameter ") + name + " is not an integer");
  }
  return std::optional<int64_t>(value.get<int64_t>());
}

std::vector<std::string> StringList(const json& request, const char* name) {
  std::vector<std::string> values;
  if (request.contains(name) && request[name].is_array()) {
    for (const json& value : request[name]) {
      if (value.is_string()) values.push_back(value.get<std::string>());
    }
  }
  return values;
}

std::string StringMember(const json& request, const char* name) {
  if (!request.contains(name) || !request[name].is_string()) return "";
  return request[name].get<std::string>();
}

class Operation {
 public:
  Operation(SimulatedCloud& cloud, Clock& clock, const json& request, std::string endpoint,
            const std::atomic<bool>* stopping)
      : cloud_(cloud),
        clock_(clock),
        request_(request),
        endpoint_(std::move(endpoint)),
        stopping_(stopping) {}

  std::variant<json, SqsError> Run(std::string_view operation);

 private:
  bool QueueMatches() const;
  std::variant<json, SqsError> Receive();
  std::variant<json, SqsError> Delete();
  std::variant<json, SqsError> DeleteBatch();
  std::variant<json, SqsError> ChangeVisibility();
  std::variant<json, SqsError> Attributes();
  std::variant<json, SqsError> Send();

  SimulatedCloud& cloud_;
  Clock& clock_;
  const json& request_;
  std::string endpoint_;
  const std::atomic<bool>* stopping_;
};

// Accepts the queue's URL through any host name the client used (localhost, 127.0.0.1, a
// container name): only the "/<account>/<queue>" path must match.
bool Operation::QueueMatches() const {
  const std::string url = StringMember(request_, "QueueUrl");
  const std::string path = "/" + cloud_.options().account_id + "/" + cloud_.QueueName();
  return url.size() >= path.size() && url.ends_with(path) &&
         (url.size() == path.size() || url[url.size() - path.size() - 1] != '/');
}

std::variant<json, SqsError> Operation::Run(std::string_view operation) {
  if (operation == "GetQueueUrl") {
    if (StringMember(request_, "QueueName") != cloud_.QueueName()) return kNoSuchQueue;
    return json{{"QueueUrl", cloud_.QueueUrl(endpoint_)}};
  }
  using Method = std::variant<json, SqsError> (Operation::*)();
  static const std::map<std::string, Method, std::less<>> kMethods = {
      {"ReceiveMessage", &Operation::Receive},
      {"DeleteMessage", &Operation::Delete},
      {"DeleteMessageBatch", &Operation::DeleteBatch},
      {"ChangeMessageVisibility", &Operation::ChangeVisibility},
      {"GetQueueAttributes", &Operation::Attributes},
      {"SendMessage", &Operation::Send}};
  auto method = kMethods.find(operation);
  if (method == kMethods.end()) {
    return SqsError{"com.amazonaws.sqs#UnsupportedOperation",
                    "AWS.SimpleQueueService.UnsupportedOperation",
                    "The sandbox does not support AmazonSQS." + std::string(operation)};
  }
  if (!request_.contains("QueueUrl")) {
    return SqsError{"com.amazonaws.sqs#MissingParameter", "MissingParameter",
                    "The request must contain the parameter QueueUrl."};
  }
  if (!QueueMatches()) return kNoSuchQueue;
  return (this->*(method->second))();
}

// Long polling as SQS does it: return as soon as at least one message is visible, or when the
// wait runs out, with whatever is there (possibly nothing). The wait is in wall time; the
// cloud wakes us when a message is sent, and we re-check every 100 ms for messages whose
// visibility timeout ran out in simulated time.
std::variant<json, SqsError> Operation::Receive() {
  auto max = IntMember(request_, "MaxNumberOfMessages");
  auto wait = IntMember(request_, "WaitTimeSeconds");
  auto visibility = IntMember(request_, "VisibilityTimeout");
  if (!max) return Invalid(max.error().message);
  if (!wait) return Invalid(wait.error().message);
  if (!visibility) return Invalid(visibility.error().message);
  const int64_t max_messages = max->value_or(1);
  if (max_messages < 1 || max_messages > 10) {
    return Invalid("Value " + std::to_string(max_messages) +
                   " for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 "
                   "and 10, if provided.");
  }
  const int64_t wait_seconds = wait->value_or(0);
  if (wait_seconds < 0 || wait_seconds > SqsJsonHandler::kMaxWaitSeconds) {
    return Invalid("Value " + std::to_string(wait_seconds) +
                   " for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, "
                   "if provided.");
  }
  const Duration hidden_for = visibility->has_value() ? Duration(std::chrono::seconds(**visibility))
                                                      : SqsJsonHandler::kDefaultVisibility;
  if (hidden_for < Duration::zero() || hidden_for > std::chrono::hours(12)) {
    return Invalid(
        "Value for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and "
        "<= 43200, if provided.");
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wait_seconds);
  std::vector<QueueMessage> messages;
  while (true) {
    const uint64_t generation = cloud_.QueueGeneration();
    messages = cloud_.ReceiveMessages(static_cast<int32_t>(max_messages), hidden_for, clock_.Now());
    const auto remaining = deadline - std::chrono::steady_clock::now();
    if (!messages.empty() || remaining <= std::chrono::steady_clock::duration::zero() ||
        (stopping_ != nullptr && stopping_->load())) {
      break;
    }
    cloud_.WaitForQueueActivity(
        generation, std::min(std::chrono::milliseconds(100),
                             std::chrono::duration_cast<std::chrono::milliseconds>(remaining) +
                                 std::chrono::milliseconds(1)));
  }
  std::vector<std::string> wanted = StringList(request_, "AttributeNames");
  for (const std::string& name : StringList(request_, "MessageSystemAttributeNames")) {
    wanted.push_back(name);
  }
  auto want = [&](std::string_view name) {
    return std::find(wanted.begin(), wanted.end(), "All") != wanted.end() ||
           std::find(wanted.begin(), wanted.end(), name) != wanted.end();
  };
  json out = json::object();
  if (messages.empty()) return out;
  out["Messages"] = json::array();
  for (const QueueMessage& message : messages) {
    json item = {{"MessageId", message.message_id},
                 {"ReceiptHandle", message.receipt_handle},
                 {"MD5OfBody", Md5Hex(message.body)},
                 {"Body", message.body}};
    json attributes = json::object();
    if (want("ApproximateReceiveCount")) {
      attributes["ApproximateReceiveCount"] = std::to_string(message.receive_count);
    }
    if (want("SentTimestamp")) attributes["SentTimestamp"] = Millis(message.sent_at);
    if (want("ApproximateFirstReceiveTimestamp")) {
      attributes["ApproximateFirstReceiveTimestamp"] = Millis(message.first_received_at);
    }
    if (want("SenderId")) attributes["SenderId"] = "AIDAEVENTBRIDGE00000000";
    if (!attributes.empty()) item["Attributes"] = attributes;
    out["Messages"].push_back(item);
  }
  return out;
}

std::variant<json, SqsError> Operation::Delete() {
  const std::string handle = StringMember(request_, "ReceiptHandle");
  if (handle.empty()) {
    return SqsError{"com.amazonaws.sqs#MissingParameter", "MissingParameter",
                    "The request must contain the parameter ReceiptHandle."};
  }
  auto status = cloud_.DeleteMessage(handle);
  if (!status) return FromError(status.error());
  return json::object();
}

std::variant<json, SqsError> Operation::DeleteBatch() {
  if (!request_.contains("Entries") || !request_["Entries"].is_array() ||
      request_["Entries"].empty()) {
    return SqsError{"com.amazonaws.sqs#EmptyBatchRequest",
                    "AWS.SimpleQueueService.EmptyBatchRequest",
                    "There should be at least one DeleteMessageBatchRequestEntry in the request."};
  }
  if (request_["Entries"].size() > 10) {
    return SqsError{"com.amazonaws.sqs#TooManyEntriesInBatchRequest",
                    "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
                    "Maximum number of entries per request are 10."};
  }
  json out = {{"Successful", json::array()}, {"Failed", json::array()}};
  std::set<std::string> ids;
  for (const json& entry : request_["Entries"]) {
    const std::string id = StringMember(entry, "Id");
    if (!ids.insert(id).second) {
      return SqsError{"com.amazonaws.sqs#BatchEntryIdsNotDistinct",
                      "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", "Id " + id + " repeated."};
    }
    auto status = cloud_.DeleteMessage(StringMember(entry, "ReceiptHandle"));
    if (status) {
      out["Successful"].push_back({{"Id", id}});
    } else {
      out["Failed"].push_back({{"Id", id},
                               {"SenderFault", true},
                               {"Code", "ReceiptHandleIsInvalid"},
                               {"Message", ToAwsError(status.error()).message}});
    }
  }
  return out;
}

std::variant<json, SqsError> Operation::ChangeVisibility() {
  auto visibility = IntMember(request_, "VisibilityTimeout");
  if (!visibility) return Invalid(visibility.error().message);
  if (!visibility->has_value() || **visibility < 0 || **visibility > 43200) {
    return Invalid(
        "Value for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and "
        "<= 43200.");
  }
  auto status = cloud_.ChangeVisibility(StringMember(request_, "ReceiptHandle"),
                                        std::chrono::seconds(**visibility), clock_.Now());
  if (!status) return FromError(status.error());
  return json::object();
}

std::variant<json, SqsError> Operation::Attributes() {
  const TimePoint now = clock_.Now();
  const auto& options = cloud_.options();
  const std::map<std::string, std::string> all = {
      {"ApproximateNumberOfMessages", std::to_string(cloud_.ApproximateMessageCount(now))},
      {"ApproximateNumberOfMessagesNotVisible",
       std::to_string(cloud_.ApproximateInFlightCount(now))},
      {"ApproximateNumberOfMessagesDelayed", "0"},
      {"QueueArn",
       "arn:aws:sqs:" + options.region + ":" + options.account_id + ":" + options.queue_name},
      {"VisibilityTimeout", "30"},
      {"MessageRetentionPeriod", "345600"},
      {"MaximumMessageSize", "262144"},
      {"DelaySeconds", "0"},
      {"ReceiveMessageWaitTimeSeconds", "0"},
      {"SqsManagedSseEnabled", "true"}};
  std::vector<std::string> names = StringList(request_, "AttributeNames");
  json attributes = json::object();
  for (const std::string& name : names) {
    if (name == "All") {
      for (const auto& [key, value] : all) attributes[key] = value;
      continue;
    }
    auto it = all.find(name);
    if (it == all.end()) {
      return SqsError{"com.amazonaws.sqs#InvalidAttributeName", "InvalidAttributeName",
                      "Unknown Attribute " + name + "."};
    }
    attributes[name] = it->second;
  }
  if (attributes.empty()) return json::object();
  return json{{"Attributes", attributes}};
}

std::variant<json, SqsError> Operation::Send() {
  if (!request_.contains("MessageBody") || !request_["MessageBody"].is_string()) {
    return SqsError{"com.amazonaws.sqs#MissingParameter", "MissingParameter",
                    "The request must contain the parameter MessageBody."};
  }
  const std::string body = request_["MessageBody"].get<std::string>();
  const std::string id = cloud_.SendEvent(body, clock_.Now());
  return json{{"MessageId", id}, {"MD5OfMessageBody", Md5Hex(body)}};
}

}  // namespace

WireResponse SqsJsonHandler::ErrorResponse(std::string_view type, std::string_view query_code,
                                           std::string_view message, int http_status,
                                           std::string_view request_id) {
  json body = {{"__type", type}, {"message", message}};
  return {.status = http_status,
          .content_type = "application/x-amz-json-1.0",
          .body = Dump(body),
          .headers = {{"x-amzn-query-error", std::string(query_code) + ";Sender"},
                      {"x-amzn-RequestId", std::string(request_id)}}};
}

WireResponse SqsJsonHandler::Handle(std::string_view operation, std::string_view body,
                                    std::string_view endpoint_url, std::string_view request_id,
                                    const std::atomic<bool>* stopping) {
  json request = json::parse(body.empty() ? std::string_view("{}") : body, nullptr,
                             /*allow_exceptions=*/false);
  if (request.is_discarded() || !request.is_object()) {
    return SqsErrorResponse({"com.amazon.coral.service#SerializationException",
                             "SerializationException", "The request body is not a JSON object."},
                            request_id);
  }
  Operation op(cloud_, clock_, request, std::string(endpoint_url), stopping);
  auto result = op.Run(operation);
  if (auto* error = std::get_if<SqsError>(&result)) return SqsErrorResponse(*error, request_id);
  return {.status = 200,
          .content_type = "application/x-amz-json-1.0",
          .body = Dump(std::get<json>(result)),
          .headers = {{"x-amzn-RequestId", std::string(request_id)}}};
}

}  // namespace cloudoptim
