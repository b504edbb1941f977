// `cloudoptim aws check`: can CloudOptim work in this AWS account? Verifies the credentials
// (and the customer role with its external id), probes each permission CloudOptim needs
// (read-only calls; DryRun for EC2 writes) and the interruption queue, and prints a checklist
// with what to fix. Exits 0 when nothing failed, 1 when something must be fixed, 2 on bad input.
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>

#include "aws/aws_check.h"
#include "aws/aws_config.h"
#include "aws/aws_session.h"
#include "cli/commands.h"
#include "net/curl_http_client.h"

namespace cloudoptim::cli {
namespace {

constexpr int kExitChecksFailed = 1;

struct AwsCheckFlags {
  aws::AwsOptions options;
  aws::CheckOptions checks;
};

void RunAwsCheck(const AwsCheckFlags& flags) {
  Result<aws::AwsConfig> config = aws::LoadAwsConfig(flags.options, aws::ProcessEnvironment());
  if (!config) {
    std::cerr << "cloudoptim aws check: " << config.error().ToString() << "\n";
    throw CLI::RuntimeError(kExitBadInput);
  }
  CurlHttpClient http;
  SystemClock clock;
  Result<std::unique_ptr<aws::AwsSession>> session = aws::AwsSession::Create(*config, http, clock);
  std::cout << "AWS account check (region " << config->region << ", profile "
            << config->profile_name << ")\n";
  if (!session) {
    std::cout << "  ✗ credentials — " << session.error().ToString() << "\n"
              << "      fix: configure credentials (environment, profile or web identity)\n";
    throw CLI::RuntimeError(kExitChecksFailed);
  }
  std::vector<aws::CheckItem> items = aws::RunAwsChecks(**session, flags.checks);
  std::cout << aws::FormatChecklist(items);
  if (!aws::AllRequiredPassed(items)) throw CLI::RuntimeError(kExitChecksFailed);
}

}  // namespace

void AddAwsCommand(CLI::App& app) {
  CLI::App* aws = app.add_subcommand("aws", "Work with the AWS account CloudOptim acts in");
  aws->require_subcommand(1);
  CLI::App* check = aws->add_subcommand(
      "check",
      "Verify credentials, the customer role, every permission CloudOptim needs (read-only "
      "probes; DryRun for EC2 writes) and the interruption queue; print what to fix");
  auto flags = std::make_shared<AwsCheckFlags>();
  check->add_option("--role-arn", flags->options.role_arn, "Customer role to assume");
  check->add_option("--external-id", flags->options.external_id,
                    "External id the role's trust policy requires");
  check->add_option("--queue-url", flags->checks.queue_url, "The interruption SQS queue URL");
  check->add_option("--region", flags->options.region,
                    "AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, then the profile)");
  check->add_option("--profile", flags->options.profile, "Profile of the shared AWS config");
  check->add_option("--endpoint-url", flags->options.endpoint_url,
                    "Send every call to this endpoint (an emulator, a VPC endpoint)");
  check->add_option("--launch-template", flags->checks.launch_template,
                    "Launch template (lt-...) for the RunInstances DryRun probe");
  check->callback([flags] { RunAwsCheck(*flags); });
}

}  // namespace cloudoptim::cli
