#include "sandbox/usage_model.h"

#include <cmath>
#include <cstdlib>
#include <numbers>

namespace cloudoptim::sandbox {
namespace {

uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

uint64_t HashText(std::string_view text, uint64_t seed) {
  uint64_t h = 1469598103934665603ULL ^ seed;
  for (char c : text) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  return Mix(h);
}

// Uniform in [0, 1) from a hash.
double Unit(uint64_t h) { return static_cast<double>(h >> 11) / static_cast<double>(1ULL << 53); }

}  // namespace

UsageProfile ParseUsageProfile(std::string_view text) {
  UsageProfile p;
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view item = text.substr(start, comma - start);
    size_t eq = item.find('=');
    if (eq != std::string_view::npos) {
      std::string key(item.substr(0, eq));
      std::string value(item.substr(eq + 1));
      char* end = nullptr;
      double number = std::strtod(value.c_str(), &end);
      bool numeric = end != value.c_str() && *end == '\0' && number >= 0 && number < 100;
      if (key == "cpu" && numeric) p.cpu_ratio = number;
      if (key == "memory" && numeric) p.memory_ratio = number;
      if (key == "spikes" && numeric) p.spike_probability = number;
      if (key == "oom") p.oom_prone = value == "true";
    }
    start = comma + 1;
  }
  return p;
}

std::string FormatUsageProfile(const UsageProfile& p) {
  char buffer[128];
  std::snprintf(buffer, sizeof(buffer), "cpu=%.2f,memory=%.2f,spikes=%.3f,oom=%s", p.cpu_ratio,
                p.memory_ratio, p.spike_probability, p.oom_prone ? "true" : "false");
  return buffer;
}

// CPU = request × ratio × diurnal(hour) × noise(minute) × spike(5-min window). The diurnal
// factor swings ±35% around the mean, peaking at 14:00 UTC; noise is ±15%. Memory follows
// the same day more gently (±10%), since heaps grow and shrink slowly. An OOM-prone
// container climbs during one 10-minute window per hour to 115% of its limit.
ContainerUsage SampleUsage(const UsageProfile& profile, uint64_t seed, std::string_view key,
                           int64_t cpu_request_millis, int64_t memory_request_bytes,
                           int64_t memory_limit_bytes, TimePoint at) {
  int64_t seconds = std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
  uint64_t base = HashText(key, seed);
  double hour = static_cast<double>(seconds % 86400) / 3600.0;
  double phase = Unit(base) * 2.0;  // workloads peak at slightly different hours
  double diurnal = std::sin((hour - 8.0 - phase) / 24.0 * 2.0 * std::numbers::pi);
  double noise = Unit(Mix(base ^ static_cast<uint64_t>(seconds / 60))) * 0.3 - 0.15;
  double spike = Unit(Mix(base ^ static_cast<uint64_t>(seconds / 300) ^ 0x5bd1e995ULL)) <
                         profile.spike_probability
                     ? 2.0 + Unit(Mix(base + static_cast<uint64_t>(seconds / 300)))
                     : 1.0;
  double cpu_base = cpu_request_millis > 0 ? static_cast<double>(cpu_request_millis) : 100.0;
  double memory_base =
      memory_request_bytes > 0 ? static_cast<double>(memory_request_bytes) : 128.0 * (1 << 20);
  ContainerUsage u;
  u.cpu_millis = std::max<int64_t>(
      1, std::llround(cpu_base * profile.cpu_ratio * (1.0 + 0.35 * diurnal) * (1.0 + noise) * spike));
  double memory = memory_base * profile.memory_ratio * (1.0 + 0.1 * diurnal) * (1.0 + noise / 5);
  if (profile.oom_prone && memory_limit_bytes > 0) {
    int64_t minute_of_hour = (seconds / 60 + static_cast<int64_t>(base % 60)) % 60;
    if (minute_of_hour < 10) {
      memory = static_cast<double>(memory_limit_bytes) * (0.8 + 0.035 * static_cast<double>(minute_of_hour));
    }
  }
  u.memory_bytes = std::max<int64_t>(1 << 20, std::llround(memory));
  return u;
}

}  // namespace cloudoptim::sandbox
