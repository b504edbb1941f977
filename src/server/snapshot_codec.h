// The JSON form of a Snapshot inside a decision request (schema in docs/design/server.md):
// the parts the ML API's engines read — namespaces, nodes, pods, workloads, PDBs, PVs, PVCs
// and usage. AWS inventory, services, events and EBS objects are not carried: no engine
// behind the ML API reads them. Internal to src/server.
//
//   Json doc = EncodeSnapshot(snapshot);
//   FieldReader in;
//   Snapshot back = DecodeSnapshot(doc, "snapshot", in);   // in.failed() names a bad field
#pragma once

#include <string>

#include "model/snapshot.h"
#include "server/json_fields.h"

namespace cloudoptim::server {

Json EncodeSnapshot(const Snapshot& snapshot);
Snapshot DecodeSnapshot(const Json& object, const std::string& path, FieldReader& in);

// The pieces, shared with the pod template of workloads.
Json EncodePod(const Pod& pod);
Pod DecodePod(const Json& object, const std::string& path, FieldReader& in);

}  // namespace cloudoptim::server
