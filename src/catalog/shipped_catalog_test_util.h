// Tests and benchmarks only: the catalogue shipped in data/, loaded once per binary and shared
// by everything in it; a catalogue that does not load stops the binary with the reason.
// Included only by *_test.cc and bench/*.cc (CO_SOURCE_DIR is defined for those targets).
//
//   const Catalog& catalog = ShippedCatalog();
#pragma once

#include <cstdio>
#include <cstdlib>

#include "catalog/catalog.h"

namespace cloudoptim {

inline const Catalog& ShippedCatalog() {
  static const Catalog catalog = [] {
    Result<Catalog> loaded = Catalog::Load(CO_SOURCE_DIR "/data");
    if (!loaded) {
      std::fprintf(stderr, "cannot load the shipped catalogue: %s\n",
                   loaded.error().ToString().c_str());
      std::abort();
    }
    return std::move(*loaded);
  }();
  return catalog;
}

}  // namespace cloudoptim
