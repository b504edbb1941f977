// Writes a whole file so that a reader polling for it never sees half of it: the content goes
// to `<path>.partial` (its permissions set before anything is written, for secrets), which is
// then renamed over `path`.
//
//   CO_RETURN_IF_ERROR(ReplaceFileContents("/tmp/sandbox.kubeconfig", yaml, 0600));
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"

namespace cloudoptim {

// Unavailable naming the file and the system's reason when it cannot be written or renamed.
Status ReplaceFileContents(const std::string& path, std::string_view content,
                           std::optional<unsigned> permissions = std::nullopt);

}  // namespace cloudoptim
