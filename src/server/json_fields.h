// Reading and writing JSON objects field by field with the path of every field, so a decoder
// reports the first bad field as "snapshot.pods[3].node_name: expected a string". Internal to
// src/server (it includes nlohmann/json.hpp); the public headers never include it.
//
//   FieldReader in;
//   std::string name = in.String(object, "name", path);
//   int64_t cpu = in.Int(object, "cpu_millis", path);
//   if (in.failed()) return std::unexpected(in.error());
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/error.h"
#include "common/money.h"
#include "model/object_meta.h"

namespace cloudoptim::server {

using Json = nlohmann::json;

// Money as a decimal string of US dollars with up to 6 decimals ("0.0312", "-12.5").
std::string MoneyToUsdText(Money money);
std::optional<Money> ParseUsdText(std::string_view text);

// Absent fields read as the type's default; a present field of the wrong type records an
// error (the first one wins) and reads as the default. Callers check failed() once at the end.
class FieldReader {
 public:
  bool failed() const { return error_.has_value(); }
  const Error& error() const { return *error_; }
  void Fail(const std::string& path, const std::string& what);

  std::string String(const Json& object, const char* key, const std::string& path);
  int64_t Int(const Json& object, const char* key, const std::string& path, int64_t fallback = 0);
  std::optional<int64_t> OptionalInt(const Json& object, const char* key, const std::string& path);
  double Number(const Json& object, const char* key, const std::string& path, double fallback = 0);
  bool Bool(const Json& object, const char* key, const std::string& path, bool fallback = false);
  TimePoint Time(const Json& object, const char* key, const std::string& path);
  std::optional<TimePoint> OptionalTime(const Json& object, const char* key,
                                        const std::string& path);
  Money Usd(const Json& object, const char* key, const std::string& path);
  Labels StringMap(const Json& object, const char* key, const std::string& path);
  std::vector<std::string> StringList(const Json& object, const char* key, const std::string& path);
  // The array at `key` (an empty one when absent); records an error for another type.
  const Json& Array(const Json& object, const char* key, const std::string& path);
  // The object at `key` (an empty one when absent); records an error for another type.
  const Json& Object(const Json& object, const char* key, const std::string& path);

 private:
  // The field when present and not null; nullptr otherwise.
  const Json* Find(const Json& object, const char* key) const;
  std::optional<Error> error_;
};

// Field path helpers: Child("a", "b") = "a.b"; Index("a", 3) = "a[3]".
std::string Child(const std::string& path, const char* key);
std::string Index(const std::string& path, size_t index);

// Writers that leave out default values, keeping encoded requests small.
void PutString(Json& object, const char* key, const std::string& value);
void PutInt(Json& object, const char* key, int64_t value);
void PutBool(Json& object, const char* key, bool value);
void PutTime(Json& object, const char* key, TimePoint value);
void PutStringMap(Json& object, const char* key, const Labels& value);
void PutStringList(Json& object, const char* key, const std::vector<std::string>& value);

}  // namespace cloudoptim::server
