// How long loading the shipped catalogue (data/*.csv) takes and how much memory it holds.
// The budget is < 50 ms per load. Prints the median, min and max of N loads and the
// resident-memory growth of keeping one catalogue alive.
//
//   build/release/bench/catalog_load_benchmark [loads=25]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "catalog/catalog.h"

namespace {

// Resident set size in KiB, from /proc/self/status (Linux).
long ResidentKib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  const int loads = argc > 1 ? std::max(1, std::atoi(argv[1])) : 25;
  const std::string directory = std::string(CO_SOURCE_DIR) + "/data";

  const long before_kib = ResidentKib();
  cloudoptim::Result<cloudoptim::Catalog> kept = cloudoptim::Catalog::Load(directory);
  if (!kept) {
    std::fprintf(stderr, "%s\n", kept.error().ToString().c_str());
    return 1;
  }
  const long after_kib = ResidentKib();

  std::vector<double> millis;
  for (int i = 0; i < loads; ++i) {
    const auto start = std::chrono::steady_clock::now();
    cloudoptim::Result<cloudoptim::Catalog> catalog = cloudoptim::Catalog::Load(directory);
    const auto end = std::chrono::steady_clock::now();
    if (!catalog) return 1;
    millis.push_back(std::chrono::duration<double, std::milli>(end - start).count());
  }
  std::sort(millis.begin(), millis.end());
  std::printf("catalogue: %zu instance types, %zu regions, data %s\n", kept->Types().size(),
              kept->Regions().size(), directory.c_str());
  std::printf("load time over %d loads: median %.2f ms, min %.2f ms, max %.2f ms\n", loads,
              millis[millis.size() / 2], millis.front(), millis.back());
  std::printf("resident memory held by one loaded catalogue: %.1f MiB\n",
              static_cast<double>(after_kib - before_kib) / 1024.0);
  return 0;
}
