// The syntax of Kubernetes label keys and values (k8s.io/apimachinery/pkg/util/validation:
// IsQualifiedName and IsValidLabelValue), for selectors and for labels CloudOptim writes.
//
//   CO_RETURN_IF_ERROR(ValidateLabelKey("cloudoptim.io/spot"));
//   CO_RETURN_IF_ERROR(ValidateLabelValue("cloudoptim.io/spot", "true"));
#pragma once

#include <string_view>

#include "common/error.h"

namespace cloudoptim {

// A key is an optional prefix and a name: "[prefix/]name". The prefix is a DNS-1123 subdomain
// (at most 253 characters of [a-z0-9-.]); the name is 1-63 characters of [A-Za-z0-9._-]
// beginning and ending alphanumeric. InvalidArgument names the key and the rule broken.
Status ValidateLabelKey(std::string_view key);

// A value is empty or 1-63 characters of [A-Za-z0-9._-] beginning and ending alphanumeric.
Status ValidateLabelValue(std::string_view key, std::string_view value);

}  // namespace cloudoptim
