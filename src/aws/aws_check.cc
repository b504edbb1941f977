#include "aws/aws_check.h"

#include "aws/aws_error.h"
#include "aws/ec2_client.h"
#include "aws/sqs_client.h"
#include "aws/sts_client.h"

namespace cloudoptim::aws {
namespace {

// Placeholders for DryRun probes: AWS checks the permission before it looks the id up, so a
// DryRunOperation answer proves the permission without touching anything.
constexpr char kPlaceholderInstance[] = "i-0000000000000000f";
constexpr char kPlaceholderVolume[] = "vol-0000000000000000f";

CheckItem FromError(std::string name, const Error& error, const std::string& identity) {
  CheckItem item{.name = name, .outcome = CheckOutcome::kFailed, .detail = error.ToString()};
  const std::string code = AwsErrorCode(error);
  if (IsPermissionDenied(error)) {
    item.fix = "allow \"" + name + "\" in the IAM policy attached to " + identity +
               " (see `cloudoptim onboard` for the policy CloudOptim needs)";
  } else if (IsUnauthenticated(error)) {
    item.fix =
        "the credentials are not valid for this account: check the keys, the session "
        "token's expiry, or the profile";
  } else if (code.ends_with(".NotFound") || code.ends_with(".Malformed")) {
    item.outcome = CheckOutcome::kInconclusive;
    item.detail = "AWS looked up the placeholder resource before checking the permission (" + code +
                  "); the permission itself is untested";
  } else {
    item.fix =
        "the call failed for a reason other than permissions; retry, or check the "
        "endpoint and region";
  }
  return item;
}

CheckItem Probe(std::string name, const Status& status, const std::string& identity,
                std::string passed_detail) {
  if (status) return {.name = name, .outcome = CheckOutcome::kPassed, .detail = passed_detail};
  return FromError(std::move(name), status.error(), identity);
}

Status Read(Ec2Client& ec2, QueryParams params) {
  CO_RETURN_IF_ERROR(ec2.Call(params));
  return Ok();
}

QueryParams Ec2Params(std::string_view action, std::string_view max_results = "") {
  QueryParams params(action, kEc2ApiVersion);
  if (!max_results.empty()) params.Add("MaxResults", max_results);
  return params;
}

// Credentials first: the customer role (when asked for) and then who we are.
bool CheckCredentials(AwsSession& session, std::vector<CheckItem>& items, std::string& identity) {
  const AwsOptions& options = session.config().options;
  Result<AwsCredentials> credentials = session.credentials().Get();
  if (!options.role_arn.empty()) {
    CheckItem item{.name = "sts:AssumeRole " + options.role_arn};
    if (credentials) {
      item.outcome = CheckOutcome::kPassed;
      item.detail = options.external_id.empty() ? "assumed" : "assumed with the external id";
    } else {
      item = FromError(item.name, credentials.error(), "the calling identity");
      item.fix =
          "the role's trust policy must allow the CloudOptim identity to call "
          "sts:AssumeRole" +
          (options.external_id.empty()
               ? std::string()
               : " with the condition sts:ExternalId = \"" + options.external_id + "\"");
    }
    items.push_back(std::move(item));
  }
  if (!credentials) {
    if (options.role_arn.empty()) {
      items.push_back({.name = "credentials",
                       .outcome = CheckOutcome::kFailed,
                       .detail = credentials.error().ToString(),
                       .fix = "configure credentials (environment, profile or web identity)"});
    }
    return false;
  }
  StsClient sts(session.transport(), session.config().Endpoint("sts"));
  Result<CallerIdentity> me = sts.GetCallerIdentity();
  if (!me) {
    items.push_back(FromError("sts:GetCallerIdentity", me.error(), "these credentials"));
    return false;
  }
  identity = me->arn;
  items.push_back({.name = "sts:GetCallerIdentity",
                   .outcome = CheckOutcome::kPassed,
                   .detail = me->arn + " (account " + me->account + ", credentials from " +
                             session.credentials_description() + ")"});
  return true;
}

void CheckEc2(AwsSession& session, const CheckOptions& options, const std::string& identity,
              std::vector<CheckItem>& items) {
  Ec2Client ec2(session.transport(), session.config().Endpoint("ec2"));
  const std::string read = "allowed (read-only call made)";
  items.push_back(Probe("ec2:DescribeInstances", Read(ec2, Ec2Params("DescribeInstances", "5")),
                        identity, read));
  items.push_back(
      Probe("ec2:DescribeVolumes", Read(ec2, Ec2Params("DescribeVolumes", "5")), identity, read));
  QueryParams snapshots = Ec2Params("DescribeSnapshots", "5");
  snapshots.Add("Owner.1", "self");
  items.push_back(Probe("ec2:DescribeSnapshots", Read(ec2, snapshots), identity, read));
  QueryParams spot = Ec2Params("DescribeSpotPriceHistory", "5");
  spot.Add("InstanceType.1", "m5.large");
  items.push_back(Probe("ec2:DescribeSpotPriceHistory", Read(ec2, spot), identity, read));
  QueryParams types = Ec2Params("DescribeInstanceTypes");
  types.Add("InstanceType.1", "m5.large");
  items.push_back(Probe("ec2:DescribeInstanceTypes", Read(ec2, types), identity, read));
  items.push_back(Probe("ec2:DescribeInstanceTypeOfferings",
                        Read(ec2, Ec2Params("DescribeInstanceTypeOfferings", "5")), identity,
                        read));
  items.push_back(
      Probe("ec2:DescribeSubnets", Read(ec2, Ec2Params("DescribeSubnets", "5")), identity, read));
  items.push_back(Probe("ec2:DescribeAvailabilityZones",
                        Read(ec2, Ec2Params("DescribeAvailabilityZones")), identity, read));

  const std::string dry = "allowed (DryRun: nothing changed)";
  FleetRequest launch{.launch_template_id = options.launch_template.empty()
                                                ? "lt-0000000000000000f"
                                                : options.launch_template};
  items.push_back(Probe("ec2:RunInstances",
                        ec2.DryRun(RunInstancesParams(launch, {"m5.large", ""}, 1)), identity,
                        dry));
  QueryParams terminate = Ec2Params("TerminateInstances");
  terminate.Add("InstanceId.1", kPlaceholderInstance);
  items.push_back(Probe("ec2:TerminateInstances", ec2.DryRun(terminate), identity, dry));
  QueryParams tag = Ec2Params("CreateTags");
  tag.Add("ResourceId.1", kPlaceholderInstance).Add("Tag.1.Key", "cloudoptim/check");
  tag.Add("Tag.1.Value", "1");
  items.push_back(Probe("ec2:CreateTags", ec2.DryRun(tag), identity, dry));
  QueryParams snapshot = Ec2Params("CreateSnapshot");
  snapshot.Add("VolumeId", kPlaceholderVolume);
  items.push_back(Probe("ec2:CreateSnapshot", ec2.DryRun(snapshot), identity, dry));
  QueryParams volume = Ec2Params("DeleteVolume");
  volume.Add("VolumeId", kPlaceholderVolume);
  items.push_back(Probe("ec2:DeleteVolume", ec2.DryRun(volume), identity, dry));
  items.push_back({.name = "ec2:CreateFleet",
                   .outcome = CheckOutcome::kNotProbed,
                   .detail = "not probed separately: a fleet launches through the same launch "
                             "template as RunInstances; grant ec2:CreateFleet alongside it"});
}

void CheckQueue(AwsSession& session, const CheckOptions& options, const std::string& identity,
                std::vector<CheckItem>& items) {
  if (options.queue_url.empty()) {
    items.push_back({.name = "sqs interruption queue",
                     .outcome = CheckOutcome::kNotProbed,
                     .detail = "no --queue-url given"});
    return;
  }
  SqsClient sqs(session.transport(), session.config().Endpoint("sqs"));
  Result<std::map<std::string, std::string>> attributes =
      sqs.GetQueueAttributes(options.queue_url, {"ApproximateNumberOfMessages", "QueueArn"});
  if (!attributes) {
    items.push_back(FromError("sqs:GetQueueAttributes", attributes.error(), identity));
    if (IsNotFound(attributes.error())) {
      items.back().fix = "the queue " + options.queue_url +
                         " does not exist in this account and region: create it from the "
                         "onboarding template or fix --queue-url/--region";
    }
    return;
  }
  auto count = attributes->find("ApproximateNumberOfMessages");
  items.push_back({.name = "sqs:GetQueueAttributes",
                   .outcome = CheckOutcome::kPassed,
                   .detail = "queue reachable, " +
                             (count == attributes->end() ? std::string("?") : count->second) +
                             " message(s) waiting"});
  items.push_back({.name = "sqs:ReceiveMessage, sqs:DeleteMessage(Batch), "
                           "sqs:ChangeMessageVisibility",
                   .outcome = CheckOutcome::kNotProbed,
                   .detail = "cannot be probed without consuming interruption events; grant "
                             "them with GetQueueAttributes on the queue"});
}

}  // namespace

std::vector<CheckItem> RunAwsChecks(AwsSession& session, const CheckOptions& options) {
  std::vector<CheckItem> items;
  std::string identity;
  if (!CheckCredentials(session, items, identity)) return items;
  CheckEc2(session, options, identity, items);
  CheckQueue(session, options, identity, items);
  items.push_back({.name = "pricing:GetProducts",
                   .outcome = CheckOutcome::kNotProbed,
                   .detail = "optional (us-east-1): only needed for regions beyond the shipped "
                             "price tables"});
  return items;
}

std::string FormatChecklist(const std::vector<CheckItem>& items) {
  std::string out;
  int passed = 0;
  int failed = 0;
  for (const CheckItem& item : items) {
    const char* mark = "–";
    switch (item.outcome) {
      case CheckOutcome::kPassed:
        mark = "✓";
        ++passed;
        break;
      case CheckOutcome::kFailed:
        mark = "✗";
        ++failed;
        break;
      case CheckOutcome::kInconclusive:
        mark = "?";
        break;
      case CheckOutcome::kNotProbed:
        mark = "–";
        break;
    }
    out += std::string("  ") + mark + " " + item.name + " — " + item.detail + "\n";
    if (item.outcome == CheckOutcome::kFailed && !item.fix.empty()) {
      out += "      fix: " + item.fix + "\n";
    }
  }
  out += std::to_string(passed) + " passed, " + std::to_string(failed) + " failed";
  out += failed == 0 ? ": CloudOptim can work in this account.\n" : ": fix the ✗ items above.\n";
  return out;
}

bool AllRequiredPassed(const std::vector<CheckItem>& items) {
  for (const CheckItem& item : items) {
    if (item.outcome == CheckOutcome::kFailed) return false;
  }
  return !items.empty();
}

}  // namespace cloudoptim::aws
