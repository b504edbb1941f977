#include "server/json_fields.h"

#include <charconv>

namespace cloudoptim::server {
namespace {

const Json& EmptyArray() {
  static const Json* empty = new Json(Json::array());
  return *empty;
}
const Json& EmptyObject() {
  static const Json* empty = new Json(Json::object());
  return *empty;
}

}  // namespace

std::string MoneyToUsdText(Money money) {
  int64_t micros = money.micros();
  bool negative = micros < 0;
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(micros) : micros;
  std::string fraction = std::to_string(magnitude % Money::kMicrosPerUsd);
  fraction.insert(0, 6 - fraction.size(), '0');
  while (fraction.size() > 2 && fraction.back() == '0') fraction.pop_back();
  return (negative ? "-" : "") + std::to_string(magnitude / Money::kMicrosPerUsd) + "." + fraction;
}

std::optional<Money> ParseUsdText(std::string_view text) {
  bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if (whole.empty() || fraction.size() > 6 || whole.size() > 12) return std::nullopt;
  if (dot != std::string_view::npos && fraction.empty()) return std::nullopt;
  int64_t usd = 0;
  auto [end, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), usd);
  if (ec != std::errc() || end != whole.data() + whole.size()) return std::nullopt;
  int64_t micros = 0;
  for (size_t i = 0; i < 6; ++i) {
    char c = i < fraction.size() ? fraction[i] : '0';
    if (c < '0' || c > '9') return std::nullopt;
    micros = micros * 10 + (c - '0');
  }
  int64_t total = usd * Money::kMicrosPerUsd + micros;
  return Money::FromMicros(negative ? -total : total);
}

void FieldReader::Fail(const std::string& path, const std::string& what) {
  if (!error_) error_ = Error{ErrorCode::kInvalidArgument, path + ": " + what};
}

const Json* FieldReader::Find(const Json& object, const char* key) const {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string FieldReader::String(const Json& object, const char* key, const std::string& path) {
  const Json* field = Find(object, key);
  if (!field) return "";
  if (!field->is_string()) {
    Fail(Child(path, key), "expected a string");
    return "";
  }
  return field->get<std::string>();
}

int64_t FieldReader::Int(const Json& object, const char* key, const std::string& path,
                         int64_t fallback) {
  return OptionalInt(object, key, path).value_or(fallback);
}

std::optional<int64_t> FieldReader::OptionalInt(const Json& object, const char* key,
                                                const std::string& path) {
  const Json* field = Find(object, key);
  if (!field) return std::nullopt;
  if (!field->is_number_integer()) {
    Fail(Child(path, key), "expected an integer");
    return std::nullopt;
  }
  return field->get<int64_t>();
}

double FieldReader::Number(const Json& object, const char* key, const std::string& path,
                           double fallback) {
  const Json* field = Find(object, key);
  if (!field) return fallback;
  if (!field->is_number()) {
    Fail(Child(path, key), "expected a number");
    return fallback;
  }
  return field->get<double>();
}

bool FieldReader::Bool(const Json& object, const char* key, const std::string& path,
                       bool fallback) {
  const Json* field = Find(object, key);
  if (!field) return fallback;
  if (!field->is_boolean()) {
    Fail(Child(path, key), "expected true or false");
    return fallback;
  }
  return field->get<bool>();
}

TimePoint FieldReader::Time(const Json& object, const char* key, const std::string& path) {
  return OptionalTime(object, key, path).value_or(TimePoint{});
}

std::optional<TimePoint> FieldReader::OptionalTime(const Json& object, const char* key,
                                                   const std::string& path) {
  const Json* field = Find(object, key);
  if (!field) return std::nullopt;
  TimePoint time;
  if (!field->is_string() || !ParseRfc3339(field->get<std::string>(), &time)) {
    Fail(Child(path, key), "expected an RFC 3339 time such as \"2026-01-02T15:04:05Z\"");
    return std::nullopt;
  }
  return time;
}

Money FieldReader::Usd(const Json& object, const char* key, const std::string& path) {
  const Json* field = Find(object, key);
  if (!field) return Money();
  std::optional<Money> money;
  if (field->is_string()) money = ParseUsdText(field->get<std::string>());
  if (!money) {
    Fail(Child(path, key), "expected US dollars as a decimal string such as \"0.0312\"");
    return Money();
  }
  return *money;
}

Labels FieldReader::StringMap(const Json& object, const char* key, const std::string& path) {
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  const Json& map = Object(object, key, path);
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it->is_string()) {
      Fail(Child(path, key) + "." + it.key(), "expected a string");
      return Labels::FromPairs(std::move(pairs));
    }
    pairs.emplace_back(it.key(), it->get_ref<const std::string&>());
  }
  return Labels::FromPairs(std::move(pairs));
}

std::vector<std::string> FieldReader::StringList(const Json& object, const char* key,
                                                 const std::string& path) {
  std::vector<std::string> out;
  const Json& list = Array(object, key, path);
  for (size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_string()) {
      Fail(Index(Child(path, key), i), "expected a string");
      return out;
    }
    out.push_back(list[i].get<std::string>());
  }
  return out;
}

const Json& FieldReader::Array(const Json& object, const char* key, const std::string& path) {
  const Json* field = Find(object, key);
  if (!field) return EmptyArray();
  if (!field->is_array()) {
    Fail(Child(path, key), "expected an array");
    return EmptyArray();
  }
  return *field;
}

const Json& FieldReader::Object(const Json& object, const char* key, const std::string& path) {
  const Json* field = Find(object, key);
  if (!field) return EmptyObject();
  if (!field->is_object()) {
    Fail(Child(path, key), "expected an object");
    return EmptyObject();
  }
  return *field;
}

std::string Child(const std::string& path, const char* key) {
  return path.empty() ? std::string(key) : path + "." + key;
}

std::string Index(const std::string& path, size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

void PutString(Json& object, const char* key, const std::string& value) {
  if (!value.empty()) object[key] = value;
}
void PutInt(Json& object, const char* key, int64_t value) {
  if (value != 0) object[key] = value;
}
void PutBool(Json& object, const char* key, bool value) {
  if (value) object[key] = true;
}
void PutTime(Json& object, const char* key, TimePoint value) {
  if (value != TimePoint{}) object[key] = FormatRfc3339(value);
}
void PutStringMap(Json& object, const char* key, const Labels& value) {
  if (value.empty()) return;
  Json map = Json::object();
  for (const auto& [k, v] : value) map[k] = v;
  object[key] = std::move(map);
}
void PutStringList(Json& object, const char* key, const std::vector<std::string>& value) {
  if (!value.empty()) object[key] = value;
}

}  // namespace cloudoptim::server
