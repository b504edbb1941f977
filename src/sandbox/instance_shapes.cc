#include "sandbox/instance_shapes.h"

#include <vector>

namespace cloudoptim::sandbox {

const InstanceShape* FindInstanceShape(std::string_view name) {
  static const std::vector<InstanceShape> kShapes = {
      {"c5.2xlarge", 8, 16384, "amd64", 7910, 14162, 58},
      {"c5.4xlarge", 16, 32768, "amd64", 15890, 27381, 234},
      {"c5.9xlarge", 36, 73728, "amd64", 35840, 65269, 234},
      {"c5.large", 2, 4096, "amd64", 1930, 3114, 29},
      {"c5.xlarge", 4, 8192, "amd64", 3920, 6584, 58},
      {"c5a.2xlarge", 8, 16384, "amd64", 7910, 14162, 58},
      {"c5a.xlarge", 4, 8192, "amd64", 3920, 6584, 58},
      {"c6i.2xlarge", 8, 16384, "amd64", 7910, 14162, 58},
      {"c6i.xlarge", 4, 8192, "amd64", 3920, 6584, 58},
      {"c7i.2xlarge", 8, 16384, "amd64", 7910, 14162, 58},
      {"c7i.xlarge", 4, 8192, "amd64", 3920, 6584, 58},
      {"m5.2xlarge", 8, 32768, "amd64", 7910, 29317, 58},
      {"m5.4xlarge", 16, 65536, "amd64", 15890, 57691, 234},
      {"m5.8xlarge", 32, 131072, "amd64", 31850, 118312, 234},
      {"m5.large", 2, 8192, "amd64", 1930, 6903, 29},
      {"m5.xlarge", 4, 16384, "amd64", 3920, 14162, 58},
      {"m5a.2xlarge", 8, 32768, "amd64", 7910, 29317, 58},
      {"m5a.large", 2, 8192, "amd64", 1930, 6903, 29},
      {"m5a.xlarge", 4, 16384, "amd64", 3920, 14162, 58},
      {"m6g.large", 2, 8192, "arm64", 1930, 6844, 29},
      {"m6g.xlarge", 4, 16384, "arm64", 3920, 14103, 58},
      {"m6i.2xlarge", 8, 32768, "amd64", 7910, 29317, 58},
      {"m6i.large", 2, 8192, "amd64", 1930, 6903, 29},
      {"m6i.xlarge", 4, 16384, "amd64", 3920, 14162, 58},
      {"m7i.2xlarge", 8, 32768, "amd64", 7910, 29317, 58},
      {"m7i.xlarge", 4, 16384, "amd64", 3920, 14162, 58},
      {"r5.2xlarge", 8, 65536, "amd64", 7910, 59627, 58},
      {"r5.large", 2, 16384, "amd64", 1930, 14481, 29},
      {"r5.xlarge", 4, 32768, "amd64", 3920, 29317, 58},
      {"r6i.2xlarge", 8, 65536, "amd64", 7910, 59627, 58},
      {"r6i.xlarge", 4, 32768, "amd64", 3920, 29317, 58},
      {"r7i.xlarge", 4, 32768, "amd64", 3920, 29317, 58},
      {"t3.large", 2, 8192, "amd64", 1930, 6837, 35},
      {"t3.medium", 2, 4096, "amd64", 1930, 3246, 17},
      {"t3.xlarge", 4, 16384, "amd64", 3920, 14162, 58},
  };
  for (const InstanceShape& shape : kShapes) {
    if (shape.name == name) return &shape;
  }
  return nullptr;
}

}  // namespace cloudoptim::sandbox
