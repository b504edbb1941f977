// Lists of short identifiers (subnet ids, workload kinds) kept in one text column: written and
// read whole, never queried by element, so a comma-separated string serves on both backends.
//
//   std::string column = JoinCommaList({"subnet-1", "subnet-2"});   // "subnet-1,subnet-2"
//   std::vector<std::string> ids = SplitCommaList(column);           // empty items dropped
#pragma once

#include <string>
#include <vector>

namespace cloudoptim::store {

inline std::string JoinCommaList(const std::vector<std::string>& items) {
  std::string joined;
  for (const std::string& item : items) joined += (joined.empty() ? "" : ",") + item;
  return joined;
}

inline std::vector<std::string> SplitCommaList(const std::string& joined) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start < joined.size()) {
    size_t comma = joined.find(',', start);
    if (comma == std::string::npos) comma = joined.size();
    if (comma > start) items.push_back(joined.substr(start, comma - start));
    start = comma + 1;
  }
  return items;
}

}  // namespace cloudoptim::store
