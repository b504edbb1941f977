// Kubernetes quantity strings for the sandbox's own arithmetic: CPU as millicores
// ("250m", "2", "0.5") and memory as bytes ("512Mi", "1G", "1e9"), and back.
//
//   int64_t millis = CpuMillis("250m").value_or(0);      // 250
//   std::string text = FormatMemory(536870912);           // "512Mi"
//
// TODO(sandbox): use model's Quantity once h/model's implementation is on main.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace cloudoptim::sandbox {

std::optional<int64_t> CpuMillis(std::string_view text);
std::optional<int64_t> MemoryBytes(std::string_view text);
// From a JSON value that may be a string or a number; 0 when absent or invalid.
int64_t CpuMillisOf(const nlohmann::json& value);
int64_t MemoryBytesOf(const nlohmann::json& value);

std::string FormatCpu(int64_t millis);      // "250m", "2"
std::string FormatMemory(int64_t bytes);    // "512Mi", "1536Ki", "100"
std::string FormatCpuNanos(int64_t millis); // metrics.k8s.io style: "250000000n"

}  // namespace cloudoptim::sandbox
