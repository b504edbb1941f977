// The OpenAPI 3 document of a server, generated from the route table it registers: every
// route becomes an operation with its path and query parameters, body fields, security and
// the shared error responses. /api/openapi.json serves it.
//
//   std::string doc = BuildOpenApiDocument("CloudOptim core API", "0.2.0", routes);
#pragma once

#include <string>
#include <vector>

#include "server/route.h"

namespace cloudoptim::server {

std::string BuildOpenApiDocument(const std::string& title, const std::string& version,
                                 const std::vector<Route>& routes);

}  // namespace cloudoptim::server
