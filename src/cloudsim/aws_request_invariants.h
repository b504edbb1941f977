// What must hold for any request the sandbox's AWS endpoint receives, however malformed: it is
// answered (never a crash, hang or exception) with a status AWS would use and a body in the
// routed service's format. Shared by the fuzz target (aws_request_fuzz.cc) and the corpus
// test that replays its seeds on every build.
//
//   std::string broken = CheckAwsRequestInvariants(input);   // "" when all hold
//
// Input format: first line the X-Amz-Target header (may be empty), second line the
// Authorization header (may be empty), the rest the body.
#pragma once

#include <string>
#include <string_view>

namespace cloudoptim {

std::string CheckAwsRequestInvariants(std::string_view input);

}  // namespace cloudoptim
