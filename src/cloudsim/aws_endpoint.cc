#include "cloudsim/aws_endpoint.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>

namespace cloudoptim {
namespace {

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

enum class Service { kEc2, kSts, kSqsQuery, kUnknown };

Service ServiceOf(const std::optional<SigV4Authorization>& auth, std::string_view action) {
  if (auth) {
    if (auth->service == "ec2") return Service::kEc2;
    if (auth->service == "sts") return Service::kSts;
    if (auth->service == "sqs") return Service::kSqsQuery;
    return Service::kUnknown;
  }
  if (action == "GetCallerIdentity" || action == "AssumeRole") return Service::kSts;
  return Service::kEc2;
}

}  // namespace

struct AwsEndpoint::Server {
  httplib::Server http;
};

AwsEndpoint::AwsEndpoint(SimulatedCloud& cloud, Clock& clock)
    : cloud_(cloud),
      clock_(clock),
      ec2_(cloud, clock),
      sqs_(cloud, clock),
      sts_(cloud.options().account_id, clock),
      request_ids_(Mix64(cloud.options().seed ^ 0x4e9)) {}

AwsEndpoint::~AwsEndpoint() { Stop(); }

std::string AwsEndpoint::NextRequestId() {
  std::lock_guard lock(ids_mutex_);
  return request_ids_.NextUuid();
}

// Routing, in the order that gives each client its own service's error format: SQS JSON is
// recognised by X-Amz-Target before anything is parsed; everything else is a form, whose
// service is named by the SigV4 credential scope (or, unsigned, guessed from the Action so
// that the "missing authentication" error comes back in the right dialect).
WireResponse AwsEndpoint::Handle(const WireRequest& request, const std::string& endpoint_url) {
  const std::string request_id = NextRequestId();
  const std::string target = request.Header("x-amz-target");
  auto auth = ParseSigV4Authorization(request.Header("authorization"));
  if (!target.empty()) {
    if (!target.starts_with("AmazonSQS.")) {
      return SqsJsonHandler::ErrorResponse("com.amazon.coral.service#UnknownOperationException",
                                           "UnknownOperation", "Unknown target " + target, 400,
                                           request_id);
    }
    if (!auth) {
      const AwsError error = ToAwsError(auth.error());
      return SqsJsonHandler::ErrorResponse("com.amazon.coral.service#" + error.code, error.code,
                                           error.message, 403, request_id);
    }
    if (advance_on_request_) cloud_.Advance(clock_.Now());
    return sqs_.Handle(std::string_view(target).substr(10), request.body, endpoint_url, request_id,
                       &stopping_);
  }
  auto params = FormParams::Decode(request.body);
  if (params && request.body.empty()) {
    for (const auto& [key, value] : request.query_params) params->Set(key, value);
  }
  const std::string action = params ? params->GetOr("Action", "") : "";
  const std::optional<SigV4Authorization> scope =
      auth ? std::optional<SigV4Authorization>(*auth) : std::nullopt;
  const Service service = ServiceOf(scope, action);
  auto error_response = [&](const Error& error) {
    return service == Service::kEc2
               ? Ec2ErrorResponse(ToAwsError(error), request_id)
               : QueryErrorResponse(ToAwsError(error), kStsNamespace, request_id);
  };
  if (!auth) return error_response(auth.error());
  if (!params) return error_response(params.error());
  switch (service) {
    case Service::kEc2:
      if (advance_on_request_) cloud_.Advance(clock_.Now());
      return ec2_.Handle(*params, request_id);
    case Service::kSts:
      return sts_.Handle(*params, auth->access_key_id, request_id);
    case Service::kSqsQuery:
      return error_response(Error{ErrorCode::kUnimplemented,
                                  "InvalidAction: the sandbox serves SQS over its JSON protocol "
                                  "(X-Amz-Target: AmazonSQS.*) only"});
    case Service::kUnknown:
      break;
  }
  return Ec2ErrorResponse(
      {"InvalidAction", "The sandbox does not serve the service '" + auth->service + "'"},
      request_id);
}

Status AwsEndpoint::Start(const std::string& host, int port) {
  if (server_) return FailedPrecondition("the AWS endpoint is already started");
  server_ = std::make_unique<Server>();
  httplib::Server& http = server_->http;
  // Long polls hold a worker for up to 20 s; leave room for other requests meanwhile.
  http.new_task_queue = [] { return new httplib::ThreadPool(16); };
  http.set_tcp_nodelay(true);  // no delayed-ACK wait between the header and body writes
  auto serve = [this](const httplib::Request& req, httplib::Response& res) {
    WireRequest request;
    request.method = req.method;
    request.path = req.path;
    request.body = req.body;
    for (const auto& [name, value] : req.headers) request.headers[Lower(name)] = value;
    if (req.method == "GET") {
      for (const auto& [name, value] : req.params) request.query_params.emplace_back(name, value);
    }
    const std::string host_header = req.get_header_value("Host");
    const std::string endpoint = host_header.empty() ? url() : "http://" + host_header;
    WireResponse response = Handle(request, endpoint);
    res.status = response.status;
    for (const auto& [name, value] : response.headers) res.set_header(name, value);
    res.set_content(response.body, response.content_type.c_str());
  };
  http.Post(".*", serve);
  http.Get(".*", serve);
  host_ = host;
  port_ = port == 0 ? http.bind_to_any_port(host) : (http.bind_to_port(host, port) ? port : -1);
  if (port_ <= 0) {
    server_.reset();
    port_ = 0;
    return Unavailable("cannot listen on " + host + ":" + std::to_string(port));
  }
  stopping_ = false;
  thread_ = std::thread([this] { server_->http.listen_after_bind(); });
  // httplib's stop() does nothing before the listen loop runs, so a Stop() right after
  // Start() could otherwise leave the thread listening forever.
  for (int i = 0; i < 500 && !server_->http.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return Ok();
}

std::string AwsEndpoint::url() const {
  const std::string host = host_.empty() || host_ == "0.0.0.0" ? "127.0.0.1" : host_;
  return "http://" + host + ":" + std::to_string(port_);
}

void AwsEndpoint::Stop() {
  stopping_ = true;
  if (server_) server_->http.stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
}

}  // namespace cloudoptim
