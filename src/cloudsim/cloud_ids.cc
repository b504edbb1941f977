#include "cloudsim/cloud_ids.h"

#include <cstdio>

namespace cloudoptim {

uint64_t Mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t HashString(std::string_view text) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return Mix64(hash);
}

uint64_t CloudIds::NextRaw() {
  state_ += 0x9e3779b97f4a7c15ULL;
  return Mix64(state_);
}

std::string CloudIds::Next(std::string_view prefix) {
  // 17 hex digits = 68 bits: 64 from one draw and 4 from another.
  const uint64_t high = NextRaw() & 0xf;
  const uint64_t low = NextRaw();
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%01llx%016llx", static_cast<unsigned long long>(high),
                static_cast<unsigned long long>(low));
  return std::string(prefix) + buffer;
}

std::string CloudIds::NextUuid() {
  const uint64_t a = NextRaw();
  const uint64_t b = NextRaw();
  char buffer[40];
  std::snprintf(buffer, sizeof(buffer), "%08llx-%04llx-4%03llx-%04llx-%012llx",
                static_cast<unsigned long long>(a >> 32),
                static_cast<unsigned long long>((a >> 16) & 0xffff),
                static_cast<unsigned long long>(a & 0xfff),
                static_cast<unsigned long long>(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buffer;
}

double CloudIds::NextUnit() { return static_cast<double>(NextRaw() >> 11) * 0x1.0p-53; }

}  // namespace cloudoptim
