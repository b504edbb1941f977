#include "cloudsim/aws_request_invariants.h"

#include <pugixml.hpp>

#include <nlohmann/json.hpp>

#include "cloudsim/aws_endpoint.h"

namespace cloudoptim {
namespace {

std::string_view TakeLine(std::string_view& input) {
  const size_t end = input.find('\n');
  std::string_view line = input.substr(0, end);
  input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
  return line;
}

}  // namespace

std::string CheckAwsRequestInvariants(std::string_view input) {
  // One account for the whole run: state carries over between inputs, as on a real server.
  static FakeClock clock(std::chrono::sys_days{std::chrono::year{2026} / 11 / 26});
  static SimulatedCloud cloud({.seed = 1});
  static AwsEndpoint* endpoint = [] {
    auto* e = new AwsEndpoint(cloud, clock);
    e->Stop();  // not serving; also makes long polls return at once
    return e;
  }();
  WireRequest request;
  const std::string_view target = TakeLine(input);
  const std::string_view authorization = TakeLine(input);
  if (!target.empty()) request.headers["x-amz-target"] = std::string(target);
  if (!authorization.empty()) request.headers["authorization"] = std::string(authorization);
  request.body = std::string(input);
  const WireResponse response = endpoint->Handle(request, "http://127.0.0.1:1");
  switch (response.status) {
    case 200:
    case 400:
    case 401:
    case 403:
    case 412:
    case 500:
    case 503:
      break;
    default:
      return "unexpected HTTP status " + std::to_string(response.status);
  }
  if (response.content_type.find("json") != std::string::npos) {
    if (nlohmann::json::parse(response.body, nullptr, false).is_discarded()) {
      return "response is not JSON: " + response.body.substr(0, 200);
    }
  } else {
    pugi::xml_document doc;
    if (!doc.load_string(response.body.c_str())) {
      return "response is not XML: " + response.body.substr(0, 200);
    }
  }
  return "";
}

}  // namespace cloudoptim
