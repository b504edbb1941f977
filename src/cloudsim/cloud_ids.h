// Deterministic AWS-looking identifiers for the simulated account: "i-" + 17 hex digits for
// instances, "vol-", "snap-", "subnet-", "r-", "fleet-" likewise, request ids and message ids as
// UUIDs. The same seed gives the same ids in the same order, so sandbox runs are reproducible.
//
//   CloudIds ids(7);
//   std::string id = ids.Next("i-");          // "i-0a3f..." (17 hex digits)
//   std::string uuid = ids.NextUuid();        // "8c1e...-...."
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cloudoptim {

// SplitMix64: a tiny, well-mixed hash of a 64-bit value; used both as the id generator and as
// the source of the spot price model's deterministic noise.
uint64_t Mix64(uint64_t x);
// FNV-1a of a string, mixed; a stable (cross-platform) hash for seeding from names.
uint64_t HashString(std::string_view text);

class CloudIds {
 public:
  explicit CloudIds(uint64_t seed) : state_(seed) {}

  // prefix + 17 lowercase hex digits, as EC2 writes its long ids.
  std::string Next(std::string_view prefix);
  // A random-looking version-4 UUID ("xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx").
  std::string NextUuid();
  // A uniform double in [0, 1).
  double NextUnit();

 private:
  uint64_t NextRaw();
  uint64_t state_;
};

}  // namespace cloudoptim
