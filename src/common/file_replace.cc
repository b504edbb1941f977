#include "common/file_replace.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

namespace cloudoptim {

Status ReplaceFileContents(const std::string& path, std::string_view content,
                           std::optional<unsigned> permissions) {
  const std::string partial = path + ".partial";
  {
    std::ofstream file(partial, std::ios::trunc);
    if (!file) return Unavailable("cannot write " + partial + ": " + std::strerror(errno));
    if (permissions) ::chmod(partial.c_str(), static_cast<mode_t>(*permissions));
    file << content;
    file.close();
    if (!file) return Unavailable("cannot write " + partial);
  }
  if (std::rename(partial.c_str(), path.c_str()) != 0) {
    return Unavailable("cannot write " + path + ": " + std::strerror(errno));
  }
  return Ok();
}

}  // namespace cloudoptim
