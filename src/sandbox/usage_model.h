// Simulated resource usage per container, deterministic in (seed, pod, container, time):
// a fraction of the request that follows a diurnal curve (peak mid-afternoon UTC), with
// noise every minute and occasional spikes. OOM-prone containers let memory climb past
// their limit once in a while, which the kubelet turns into an OOMKilled restart.
//
//   UsageProfile profile = ParseUsageProfile("cpu=0.3,memory=0.45,spikes=0.02,oom=true");
//   ContainerUsage u = SampleUsage(profile, 7, "shop/cart-7d9/server", 500, 512 << 20,
//                                  1024 << 20, now);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/clock.h"

namespace cloudoptim::sandbox {

// The annotation scenarios put on pod templates to describe usage.
inline constexpr std::string_view kUsageAnnotation = "sandbox.cloudoptim.io/usage";

struct UsageProfile {
  double cpu_ratio = 0.3;     // mean CPU usage / request
  double memory_ratio = 0.45;  // mean memory usage / request
  double spike_probability = 0.02;  // chance per 5-minute window of a 2-3x CPU spike
  bool oom_prone = false;     // memory periodically exceeds the limit
};

// "cpu=0.3,memory=0.45,spikes=0.02,oom=true"; unknown keys and bad numbers are ignored
// (the defaults stay), since the annotation is user input that must never break the kubelet.
UsageProfile ParseUsageProfile(std::string_view text);
std::string FormatUsageProfile(const UsageProfile& profile);

struct ContainerUsage {
  int64_t cpu_millis = 0;
  int64_t memory_bytes = 0;
};

// Requests of 0 fall back to 100m / 128Mi as the base; limit 0 = no limit.
ContainerUsage SampleUsage(const UsageProfile& profile, uint64_t seed, std::string_view key,
                           int64_t cpu_request_millis, int64_t memory_request_bytes,
                           int64_t memory_limit_bytes, TimePoint at);

}  // namespace cloudoptim::sandbox
