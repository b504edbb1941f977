#include "engines/recommendation.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <utility>

#include <nlohmann/json.hpp>

namespace cloudoptim {
namespace {

using Json = nlohmann::json;

constexpr std::array<std::pair<EngineName, std::string_view>, 8> kEngineNames = {{
    {EngineName::kSpotOptimize, "spot-optimize"},
    {EngineName::kBinPack, "bin-pack"},
    {EngineName::kRightsize, "rightsize"},
    {EngineName::kSchedule, "schedule"},
    {EngineName::kGhostProbe, "ghost-probe"},
    {EngineName::kVolumeCleanup, "volume-cleanup"},
    {EngineName::kNetworkOptimize, "network-optimize"},
    {EngineName::kOomKilledRemediate, "oomkilled-remediate"},
}};

constexpr std::array<std::pair<ActionType, std::string_view>, 12> kActionTypes = {{
    {ActionType::kLaunchNodes, "launch-nodes"},
    {ActionType::kCordonNode, "cordon-node"},
    {ActionType::kDrainNode, "drain-node"},
    {ActionType::kTerminateNode, "terminate-node"},
    {ActionType::kReplaceNode, "replace-node"},
    {ActionType::kPatchResources, "patch-resources"},
    {ActionType::kScaleWorkload, "scale-workload"},
    {ActionType::kTerminateInstance, "terminate-instance"},
    {ActionType::kSnapshotVolume, "snapshot-volume"},
    {ActionType::kDeleteVolume, "delete-volume"},
    {ActionType::kChangeNodeGroupMix, "change-node-group-mix"},
    {ActionType::kAnnotate, "annotate"},
}};

template <typename Enum, size_t N>
std::optional<Enum> ParseName(const std::array<std::pair<Enum, std::string_view>, N>& table,
                              std::string_view text) {
  for (const auto& [value, name] : table) {
    if (name == text) return value;
  }
  return std::nullopt;
}

// Money as a decimal string with at least two and at most six decimals: "12.34", "0.000125".
// Six decimals are exact micro-dollars, so the JSON form round-trips without loss.
std::string MoneyToDecimal(Money money) {
  std::string text = money.ToDecimalString(6);
  while (text.size() > 3 && text.back() == '0' && text[text.size() - 3] != '.') text.pop_back();
  return text;
}

// Parses "-12.345678" exactly into micro-dollars; more than six decimals is an error rather
// than a silent rounding.
Result<Money> MoneyFromDecimal(std::string_view text, std::string_view field) {
  auto bad = [&](std::string_view why) {
    return InvalidArgument(std::string(field) + ": " + std::string(why) + " in \"" +
                           std::string(text) + "\"");
  };
  std::string_view rest = text;
  const bool negative = !rest.empty() && rest.front() == '-';
  if (negative) rest.remove_prefix(1);
  const size_t dot = rest.find('.');
  std::string_view whole = rest.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? "" : rest.substr(dot + 1);
  if (whole.empty()) return bad("expected a decimal number");
  if (fraction.size() > 6) return bad("more than 6 decimals");
  int64_t whole_value = 0;
  auto [end, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), whole_value);
  if (ec != std::errc() || end != whole.data() + whole.size()) return bad("expected digits");
  int64_t fraction_micros = 0;
  for (size_t i = 0; i < 6; ++i) {
    const char c = i < fraction.size() ? fraction[i] : '0';
    if (c < '0' || c > '9') return bad("expected digits");
    fraction_micros = fraction_micros * 10 + (c - '0');
  }
  if (whole_value > INT64_MAX / Money::kMicrosPerUsd - 1) return bad("amount out of range");
  const int64_t micros = whole_value * Money::kMicrosPerUsd + fraction_micros;
  return Money::FromMicros(negative ? -micros : micros);
}

Json ActionToJson(const Action& action) {
  Json parameters = Json::object();
  for (const auto& [key, value] : action.parameters) parameters[key] = value;
  return Json{{"type", ActionTypeString(action.type)},
              {"target", action.target},
              {"parameters", std::move(parameters)}};
}

Json RecommendationToJson(const Recommendation& rec) {
  Json actions = Json::array();
  for (const Action& action : rec.actions) actions.push_back(ActionToJson(action));
  return Json{{"id", rec.id},
              {"engine", EngineNameString(rec.engine)},
              {"target", rec.target},
              {"actions", std::move(actions)},
              {"monthly_savings_usd", MoneyToDecimal(rec.monthly_savings)},
              {"confidence", rec.confidence},
              {"explanation", rec.explanation}};
}

// Reads a required string member; `path` names it in errors ("items[2].engine").
Result<std::string> StringField(const Json& object, const char* key, const std::string& path) {
  auto it = object.find(key);
  if (it == object.end()) return InvalidArgument(path + "." + key + ": missing");
  if (!it->is_string()) return InvalidArgument(path + "." + key + ": expected a string");
  return it->get<std::string>();
}

Result<Action> ActionFromJson(const Json& json, const std::string& path) {
  if (!json.is_object()) return InvalidArgument(path + ": expected an object");
  Action action;
  CO_ASSIGN_OR_RETURN(std::string type, StringField(json, "type", path));
  std::optional<ActionType> parsed = ParseName(kActionTypes, type);
  if (!parsed) return InvalidArgument(path + ".type: unknown action type \"" + type + "\"");
  action.type = *parsed;
  CO_ASSIGN_OR_RETURN(action.target, StringField(json, "target", path));
  auto parameters = json.find("parameters");
  if (parameters == json.end()) return action;
  if (!parameters->is_object()) return InvalidArgument(path + ".parameters: expected an object");
  for (const auto& [key, value] : parameters->items()) {
    if (!value.is_string()) {
      return InvalidArgument(path + ".parameters." + key + ": expected a string");
    }
    action.parameters[key] = value.get<std::string>();
  }
  return action;
}

Result<Recommendation> RecommendationFromJson(const Json& json, const std::string& path) {
  if (!json.is_object()) return InvalidArgument(path + ": expected an object");
  Recommendation rec;
  CO_ASSIGN_OR_RETURN(rec.id, StringField(json, "id", path));
  CO_ASSIGN_OR_RETURN(std::string engine, StringField(json, "engine", path));
  std::optional<EngineName> parsed = ParseName(kEngineNames, engine);
  if (!parsed) return InvalidArgument(path + ".engine: unknown engine \"" + engine + "\"");
  rec.engine = *parsed;
  CO_ASSIGN_OR_RETURN(rec.target, StringField(json, "target", path));
  CO_ASSIGN_OR_RETURN(std::string savings, StringField(json, "monthly_savings_usd", path));
  CO_ASSIGN_OR_RETURN(rec.monthly_savings,
                      MoneyFromDecimal(savings, path + ".monthly_savings_usd"));
  auto confidence = json.find("confidence");
  if (confidence == json.end() || !confidence->is_number()) {
    return InvalidArgument(path + ".confidence: expected a number in [0, 1]");
  }
  rec.confidence = confidence->get<double>();
  if (!(rec.confidence >= 0 && rec.confidence <= 1)) {
    return InvalidArgument(path + ".confidence: " + confidence->dump() + " is outside [0, 1]");
  }
  CO_ASSIGN_OR_RETURN(rec.explanation, StringField(json, "explanation", path));
  auto actions = json.find("actions");
  if (actions == json.end() || !actions->is_array()) {
    return InvalidArgument(path + ".actions: expected an array");
  }
  for (size_t i = 0; i < actions->size(); ++i) {
    CO_ASSIGN_OR_RETURN(
        Action action, ActionFromJson((*actions)[i], path + ".actions[" + std::to_string(i) + "]"));
    rec.actions.push_back(std::move(action));
  }
  return rec;
}

}  // namespace

std::string_view EngineNameString(EngineName engine) {
  for (const auto& [value, name] : kEngineNames) {
    if (value == engine) return name;
  }
  return "unknown";
}

std::string_view ActionTypeString(ActionType type) {
  for (const auto& [value, name] : kActionTypes) {
    if (value == type) return name;
  }
  return "unknown";
}

std::string MakeRecommendationId(EngineName engine, std::string_view target,
                                 std::string_view content) {
  uint64_t hash = 14695981039346656037ULL;  // FNV-1a, 64-bit: stable across builds
  for (unsigned char c : content) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(hash));
  return std::string(EngineNameString(engine)) + "/" + std::string(target) + "/" + hex;
}

Money Recommendations::TotalMonthlySavings() const {
  Money total;
  for (const Recommendation& rec : items) total += rec.monthly_savings;
  return total;
}

std::string RecommendationsToJson(const Recommendations& recommendations) {
  Json items = Json::array();
  for (const Recommendation& rec : recommendations.items) {
    items.push_back(RecommendationToJson(rec));
  }
  Json root{{"items", std::move(items)},
            {"total_monthly_savings_usd", MoneyToDecimal(recommendations.TotalMonthlySavings())}};
  return root.dump();
}

Result<Recommendations> RecommendationsFromJson(std::string_view json) {
  Json root = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return InvalidArgument("recommendations: not valid JSON");
  if (!root.is_object()) return InvalidArgument("recommendations: expected a JSON object");
  auto items = root.find("items");
  if (items == root.end() || !items->is_array()) {
    return InvalidArgument("recommendations.items: expected an array");
  }
  Recommendations out;
  for (size_t i = 0; i < items->size(); ++i) {
    CO_ASSIGN_OR_RETURN(Recommendation rec,
                        RecommendationFromJson((*items)[i], "items[" + std::to_string(i) + "]"));
    out.items.push_back(std::move(rec));
  }
  return out;
}

std::string ActionsToJson(const std::vector<Action>& actions) {
  Json array = Json::array();
  for (const Action& action : actions) array.push_back(ActionToJson(action));
  return array.dump();
}

Result<std::vector<Action>> ActionsFromJson(std::string_view json) {
  Json root = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return InvalidArgument("actions: not valid JSON");
  if (!root.is_array()) return InvalidArgument("actions: expected a JSON array");
  std::vector<Action> actions;
  for (size_t i = 0; i < root.size(); ++i) {
    CO_ASSIGN_OR_RETURN(Action action,
                        ActionFromJson(root[i], "actions[" + std::to_string(i) + "]"));
    actions.push_back(std::move(action));
  }
  return actions;
}

}  // namespace cloudoptim
