// `cloudoptim aws check`: verifies that CloudOptim can work in an AWS account — the
// credentials (and the customer role with its ExternalId), each permission CloudOptim needs,
// and the interruption queue — and says what to fix. Reads are probed with real read-only
// calls; EC2 writes with DryRun=true (DryRunOperation = allowed), which changes nothing.
//
//   std::vector<CheckItem> items = RunAwsChecks(session, {.queue_url = url});
//   std::cout << FormatChecklist(items);
//   return AllRequiredPassed(items) ? 0 : 1;
#pragma once

#include <string>
#include <vector>

#include "aws/aws_session.h"

namespace cloudoptim::aws {

enum class CheckOutcome {
  kPassed,
  kFailed,
  kInconclusive,  // the answer did not tell allowed from denied (say why)
  kNotProbed,     // cannot be probed without side effects, or not asked for
};

struct CheckItem {
  std::string name;  // "ec2:DescribeInstances"
  CheckOutcome outcome = CheckOutcome::kNotProbed;
  std::string detail;  // what happened: the identity, the error, why not probed
  std::string fix;     // what the customer should change (failed items)
};

struct CheckOptions {
  std::string queue_url;        // the interruption queue; SQS checks are skipped when empty
  std::string launch_template;  // lt-... for the RunInstances DryRun; a placeholder otherwise
};

// Runs every check in order. Stops after the credential checks when there are no usable
// credentials (every later probe would fail the same way).
std::vector<CheckItem> RunAwsChecks(AwsSession& session, const CheckOptions& options);

// "✓ name — detail" per item, "fix:" lines under failures, and a one-line summary.
std::string FormatChecklist(const std::vector<CheckItem>& items);
bool AllRequiredPassed(const std::vector<CheckItem>& items);

}  // namespace cloudoptim::aws
