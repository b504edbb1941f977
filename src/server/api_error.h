// The one error shape of both APIs, and how canonical codes map to HTTP statuses:
//
//   {"error": {"code": "invalid_argument", "status": 400,
//              "message": "mode: unknown value \"fast\" (expected recommend-only, ...)",
//              "field": "mode"}}
//
// `field` is present for invalid input and names the offending field (a dotted path).
// Messages are ours, never a database's or an exception's: errors whose text may carry
// internals (Internal, Unknown, DataLoss, Unavailable from the store...) are replaced by a
// generic sentence before they reach a body (PublicError).
//
//   ApiError e = ToApiError(NotFound("cluster \"c-1\" not found").error());  // 404
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"

namespace cloudoptim::server {

struct ApiError {
  int http_status = 500;
  std::string body;  // the JSON error document
};

int HttpStatusOf(ErrorCode code);
std::string_view ErrorSlug(ErrorCode code);  // "not_found", "invalid_argument", ...
// The slug of an HTTP status we produce without an Error (413, 404 of unknown routes...).
std::string_view SlugOfHttpStatus(int http_status);

ApiError ToApiError(const Error& error);
// An error document for a status produced by the HTTP layer itself (413, 404, 405...).
std::string ErrorBody(int http_status, std::string_view slug, std::string_view message);

// Keeps the message of errors our own code words for the caller (not found, invalid input,
// conflicts, permissions); replaces the others by a generic sentence.
Error PublicError(const Error& error);

}  // namespace cloudoptim::server
