// The body of an ML API decision request: a snapshot of one cluster and the policy to
// decide under (plus, optionally, the caller's spot prices and pool scores), as JSON.
// Encode and decode are both here so the control plane's remote-ML client and the ML server
// speak exactly the same schema; docs/design/server.md documents it.
//
//   std::string body = EncodeDecisionRequest({.snapshot = snap, .policy = policy});
//   Result<DecisionRequest> request = DecodeDecisionRequest(body);   // 400 names the field
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/error.h"
#include "common/money.h"
#include "engines/policy.h"
#include "model/snapshot.h"
#include "risk/pool_score.h"

namespace cloudoptim::server {

struct DecisionRequest {
  Snapshot snapshot;
  Policy policy;
  // Latest spot price per (instance type, zone), per hour; empty = catalogue estimates.
  std::map<std::pair<std::string, std::string>, Money> spot_prices;
  // The caller's pool scores (it knows interruption feedback the server does not); nullopt =
  // the server scores the snapshot's region from its catalogue.
  std::optional<PoolScoreTable> pool_scores;
};

// The JSON form (schema version 1). Fields with default values are omitted.
std::string EncodeDecisionRequest(const DecisionRequest& request);
// InvalidArgument naming the field path and the problem ("snapshot.pods[3].containers[0].
// requests.cpu_millis: expected an integer") for malformed input. Unknown fields are ignored.
Result<DecisionRequest> DecodeDecisionRequest(std::string_view json);

}  // namespace cloudoptim::server
