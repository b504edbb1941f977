// Test-only: the catalogue shipped in data/, loaded once per test binary and shared by every
// test in it. Included only by *_test.cc (CO_SOURCE_DIR is defined for test targets).
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
