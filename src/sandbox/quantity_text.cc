#include "sandbox/quantity_text.h"

#include <cmath>
#include <cstdlib>

#include <nlohmann/json.hpp>

namespace cloudoptim::sandbox {
namespace {

// Splits "1.5Gi" into 1.5 and a multiplier; nullopt on an unknown suffix or bad number.
std::optional<double> ScaledValue(std::string_view text) {
  if (text.empty()) return std::nullopt;
  size_t end = 0;
  while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) ||
                               text[end] == '.' || text[end] == '-' || text[end] == '+')) {
    ++end;
  }
  std::string number(text.substr(0, end));
  std::string_view suffix = text.substr(end);
  char* parsed_end = nullptr;
  double value = std::strtod(number.c_str(), &parsed_end);
  if (number.empty() || parsed_end != number.c_str() + number.size()) return std::nullopt;
  static const std::pair<std::string_view, double> kSuffixes[] = {
      {"", 1},       {"m", 1e-3},   {"k", 1e3},          {"M", 1e6},          {"G", 1e9},
      {"T", 1e12},   {"P", 1e15},   {"Ki", 1024.0},      {"Mi", 1048576.0},   {"Gi", 1073741824.0},
      {"Ti", 1099511627776.0},      {"n", 1e-9},         {"u", 1e-6}};
  for (const auto& [name, factor] : kSuffixes) {
    if (suffix == name) return value * factor;
  }
  if (suffix.size() > 1 && (suffix[0] == 'e' || suffix[0] == 'E')) {
    std::string exponent(suffix.substr(1));
    char* exp_end = nullptr;
    long e = std::strtol(exponent.c_str(), &exp_end, 10);
    if (exp_end == exponent.c_str() + exponent.size()) return value * std::pow(10.0, e);
  }
  return std::nullopt;
}

}  // namespace

std::optional<int64_t> CpuMillis(std::string_view text) {
  auto value = ScaledValue(text);
  if (!value || *value < 0) return std::nullopt;
  return static_cast<int64_t>(std::ceil(*value * 1000.0 - 1e-9));
}

std::optional<int64_t> MemoryBytes(std::string_view text) {
  auto value = ScaledValue(text);
  if (!value || *value < 0) return std::nullopt;
  return static_cast<int64_t>(std::ceil(*value - 1e-9));
}

int64_t CpuMillisOf(const nlohmann::json& value) {
  if (value.is_number()) return static_cast<int64_t>(value.get<double>() * 1000.0);
  if (value.is_string()) return CpuMillis(value.get<std::string>()).value_or(0);
  return 0;
}

int64_t MemoryBytesOf(const nlohmann::json& value) {
  if (value.is_number()) return static_cast<int64_t>(value.get<double>());
  if (value.is_string()) return MemoryBytes(value.get<std::string>()).value_or(0);
  return 0;
}

std::string FormatCpu(int64_t millis) {
  if (millis % 1000 == 0) return std::to_string(millis / 1000);
  return std::to_string(millis) + "m";
}

std::string FormatMemory(int64_t bytes) {
  static const std::pair<const char*, int64_t> kUnits[] = {
      {"Ti", 1LL << 40}, {"Gi", 1LL << 30}, {"Mi", 1LL << 20}, {"Ki", 1LL << 10}};
  for (const auto& [suffix, unit] : kUnits) {
    if (bytes >= unit && bytes % unit == 0) return std::to_string(bytes / unit) + suffix;
  }
  if (bytes >= 1024) return std::to_string(bytes / 1024) + "Ki";
  return std::to_string(bytes);
}

std::string FormatCpuNanos(int64_t millis) { return std::to_string(millis * 1000000) + "n"; }

}  // namespace cloudoptim::sandbox
