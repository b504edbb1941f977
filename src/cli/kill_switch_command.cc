// `cloudoptim kill-switch status|engage|release`: the service operator's brake from a shell.
// It talks to the control plane's API (`/api/v1/service/kill-switch`) rather than to the store,
// so the change is validated, stamped and written to every tenant's audit log in one place,
// exactly as when it is set with curl. The operator key comes from --key or
// CLOUDOPTIM_OPERATOR_KEY (the variable `cloudoptim core` reads it from), never echoed.
//
//   cloudoptim kill-switch engage --api http://core:8000 --reason "incident 4711"
//   cloudoptim kill-switch status --api http://core:8000 -o json
//
// Exit codes: 0 done, 1 the API refused or could not be reached, 2 bad input (no key, a
// missing --api or --reason, an unknown flag).
#include <cstdlib>
#include <iostream>
#include <memory>
#include <thread>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "net/curl_http_client.h"

namespace cloudoptim::cli {
namespace {

constexpr int kExitRefused = 1;
// A GET is safe to repeat; a control plane restarting behind a load balancer refuses
// connections for a few seconds.
constexpr int kStatusAttempts = 3;
constexpr auto kStatusRetryWait = std::chrono::seconds(1);

struct KillSwitchFlags {
  std::string api_url;
  std::string key;
  std::string reason;
  std::string output = "table";
};

std::string OperatorKey(const KillSwitchFlags& flags) {
  if (!flags.key.empty()) return flags.key;
  if (const char* key = std::getenv("CLOUDOPTIM_OPERATOR_KEY"); key != nullptr && *key != '\0') {
    return key;
  }
  FailCommand(
      "kill-switch", kExitBadInput,
      "no operator key: pass --key or set CLOUDOPTIM_OPERATOR_KEY (the key `cloudoptim core` "
      "was started with)");
}

// A field of an answer as text: strings as they are, other JSON as written, absent as "".
// Never json::value(): the answer may come from a proxy or a wrong --api (a numeric "code"),
// and a type error there would abort the CLI instead of naming the answer.
std::string Field(const nlohmann::json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || object[key].is_null()) return "";
  const nlohmann::json& value = object[key];
  return value.is_string() ? value.get<std::string>() : value.dump();
}

// The API's error body is {"error": {"code", "status", "message"}}; anything else is shown as
// the status and the start of the body.
std::string ApiErrorText(const HttpResponse& response) {
  nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_object() && body.contains("error") && body["error"].is_object()) {
    const nlohmann::json& error = body["error"];
    return "HTTP " + std::to_string(response.status) + " " + Field(error, "code") + ": " +
           Field(error, "message");
  }
  return "HTTP " + std::to_string(response.status) + ": " + response.body.substr(0, 200);
}

nlohmann::json Exchange(const KillSwitchFlags& flags, const std::string& method,
                        const std::string& body) {
  if (flags.api_url.empty())
    FailCommand("kill-switch", kExitBadInput, "--api is required (e.g. http://core:8000)");
  CurlHttpClient http;
  HttpRequest request{.method = method,
                      .url = flags.api_url + "/api/v1/service/kill-switch",
                      .headers = {{"Authorization", "Bearer " + OperatorKey(flags)},
                                  {"Content-Type", "application/json"}},
                      .body = body};
  const int attempts = method == "GET" ? kStatusAttempts : 1;
  Result<HttpResponse> response = http.Send(request);
  for (int attempt = 1; !response && attempt < attempts; ++attempt) {
    std::this_thread::sleep_for(kStatusRetryWait);
    response = http.Send(request);
  }
  if (!response) {
    std::string message = "cannot reach " + flags.api_url + ": " + response.error().ToString();
    // A connection never made changed nothing; one that failed after the request went out may
    // have reached the service before it broke.
    if (method != "GET") {
      message += RequestNeverSent(response.error())
                     ? " (the request was not sent: nothing changed, safe to run again)"
                     : " (the switch may or may not have changed: run `status`)";
    }
    FailCommand("kill-switch", kExitRefused, message);
  }
  if (response->status < 200 || response->status > 299) {
    FailCommand("kill-switch", kExitRefused, ApiErrorText(*response));
  }
  nlohmann::json state = nlohmann::json::parse(response->body, nullptr, false);
  if (!state.is_object() || !state.contains("engaged") || !state["engaged"].is_boolean()) {
    FailCommand("kill-switch", kExitRefused,
                "unexpected answer from " + request.url + ": " + response->body.substr(0, 200));
  }
  return state;
}

void Print(const nlohmann::json& state, const std::string& output) {
  if (output == "json") {
    std::cout << state.dump() << "\n";
    return;
  }
  const bool engaged = state["engaged"].get<bool>();  // checked by Exchange
  std::cout << (engaged ? "ENGAGED: no cluster of any tenant acts" : "released: clusters act")
            << "\n";
  // The reason as typed, not as a JSON string (no quotes, no escapes).
  if (const std::string reason = Field(state, "reason"); !reason.empty()) {
    std::cout << "reason:     " << reason << "\n";
  }
  if (const std::string by = Field(state, "changed_by"); !by.empty()) {
    std::cout << "changed by: " << by << "\n";
  }
  if (const std::string changed = Field(state, "changed"); !changed.empty()) {
    std::cout << "changed:    " << changed << "\n";
  }
}

void AddCommonOptions(CLI::App* cmd, KillSwitchFlags& flags) {
  cmd->add_option("--api", flags.api_url, "Control plane API URL, e.g. http://core:8000")
      ->required();
  cmd->add_option("--key", flags.key,
                  "Service operator key (default: $CLOUDOPTIM_OPERATOR_KEY; prefer the variable, "
                  "command lines are visible to other users)");
  cmd->add_option("-o,--output", flags.output, "table | json")
      ->check(CLI::IsMember({"table", "json"}));
}

}  // namespace

void AddKillSwitchCommand(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "kill-switch",
      "The global kill switch (service operator): while engaged no cluster of any tenant acts");
  cmd->require_subcommand(1);
  auto flags = std::make_shared<KillSwitchFlags>();

  CLI::App* status = cmd->add_subcommand("status", "Show whether the switch is engaged and why");
  AddCommonOptions(status, *flags);
  status->callback([flags] { Print(Exchange(*flags, "GET", ""), flags->output); });

  CLI::App* engage = cmd->add_subcommand(
      "engage", "Stop every action in every cluster now (plans in flight are held, not failed)");
  AddCommonOptions(engage, *flags);
  engage->add_option("--reason", flags->reason, "Why (shown to every tenant's audit log)")
      ->required();
  engage->callback([flags] {
    nlohmann::json body = {{"engaged", true}, {"reason", flags->reason}};
    Print(Exchange(*flags, "PUT", body.dump()), flags->output);
  });

  CLI::App* release = cmd->add_subcommand("release", "Let clusters act again");
  AddCommonOptions(release, *flags);
  release->add_option("--reason", flags->reason, "Why (optional)");
  release->callback([flags] {
    nlohmann::json body = {{"engaged", false}, {"reason", flags->reason}};
    Print(Exchange(*flags, "PUT", body.dump()), flags->output);
  });
}

}  // namespace cloudoptim::cli
