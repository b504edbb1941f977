#include "controlplane/cluster_runtime.h"

#include <algorithm>

#include "aws/aws_session.h"
#include "aws/ec2_client.h"
#include "controlplane/cluster_credentials.h"
#include "kube/kube_cluster_api.h"
#include "model/node.h"
#include "net/curl_http_client.h"

namespace cloudoptim::controlplane {
namespace {

Result<std::shared_ptr<AwsAccount>> ConnectAws(const store::Cluster& cluster,
                                               const AwsAccess& access, Clock& clock) {
  aws::Environment environment = aws::ProcessEnvironment();
  aws::AwsOptions options{.region = cluster.region,
                          .endpoint_url = cluster.aws_endpoint,
                          .role_arn = access.role_arn,
                          .external_id = access.external_id};
  Result<aws::AwsConfig> config = aws::LoadAwsConfig(options, environment);
  if (!config) return std::unexpected(Annotate(config.error(), "AWS settings"));
  auto account = std::make_shared<AwsAccount>();
  account->http = std::make_unique<CurlHttpClient>(
      CurlHttpClientOptions{.connect_timeout = std::chrono::seconds(5)});
  Result<std::unique_ptr<aws::AwsSession>> session =
      aws::AwsSession::Create(*config, *account->http, clock);
  if (!session) return std::unexpected(Annotate(session.error(), "AWS credentials"));
  account->session = std::move(*session);
  account->ec2 = std::make_unique<aws::Ec2Client>(account->session->transport(),
                                                  account->session->config().Endpoint("ec2"));
  account->sqs = std::make_unique<aws::SqsClient>(account->session->transport(),
                                                  account->session->config().Endpoint("sqs"));
  return account;
}

std::string RegionFromNodes(const Snapshot& snapshot) {
  for (const Node& node : snapshot.nodes) {
    if (const std::string* region = node.meta.Label(labels::kRegion)) return *region;
  }
  return "";
}

}  // namespace

ClusterConnector RealClusterConnector(Clock& clock) {
  return [&clock](const store::Cluster& cluster,
                  const std::string& credentials_text) -> Result<ClusterClients> {
    CO_ASSIGN_OR_RETURN(ClusterCredentials credentials, ParseClusterCredentials(credentials_text));
    ClusterClients clients;
    clients.kube =
        std::make_unique<KubeClusterApi>(KubeRestClient::Create(credentials.connection, clock));
    if (credentials.aws.configured() || !cluster.aws_endpoint.empty()) {
      CO_ASSIGN_OR_RETURN(std::shared_ptr<AwsAccount> account,
                          ConnectAws(cluster, credentials.aws, clock));
      clients.spot_prices = [account](TimePoint from, TimePoint to) {
        return account->ec2->DescribeSpotPriceHistory({.start_time = from, .end_time = to});
      };
      clients.aws = std::move(account);
    }
    return clients;
  };
}

ClusterRuntime::ClusterRuntime(store::Cluster cluster, ClusterClients clients, Clock& clock,
                               ClusterRuntimeOptions options)
    : cluster_(std::move(cluster)),
      clients_(std::move(clients)),
      clock_(clock),
      options_(options),
      cache_(std::make_unique<ClusterCache>(*clients_.kube, clock_)) {}

ClusterRuntime::~ClusterRuntime() {
  if (watching_) cache_->Stop();
}

Result<Snapshot> ClusterRuntime::CurrentSnapshot() {
  TimePoint now = clock_.Now();
  bool relist = !last_sync_ || !clients_.watch || now - *last_sync_ >= options_.snapshot_resync;
  if (relist) {
    // A relist under running watches would race their resourceVersions: stop, list, restart.
    if (watching_) {
      cache_->Stop();
      watching_ = false;
      cache_ = std::make_unique<ClusterCache>(*clients_.kube, clock_);
    }
    CO_RETURN_IF_ERROR(cache_->Sync());
    last_sync_ = now;
    if (clients_.watch) {
      cache_->Start();
      watching_ = true;
    }
  }
  Snapshot snapshot = cache_->snapshot();
  snapshot.now = now;
  snapshot.region = !cluster_.region.empty() ? cluster_.region : RegionFromNodes(snapshot);
  return snapshot;
}

Result<RegionEvidence> ClusterRuntime::SpotEvidence() {
  RegionEvidence evidence;
  last_prices_.clear();
  if (!clients_.spot_prices) return evidence;
  TimePoint now = clock_.Now();
  CO_ASSIGN_OR_RETURN(last_prices_, clients_.spot_prices(now - options_.spot_price_window, now));
  for (const aws::SpotPricePoint& point : last_prices_) {
    evidence.price_history[{point.instance_type, point.availability_zone}].push_back(
        {.availability_zone = point.availability_zone,
         .timestamp = point.timestamp,
         .usd_per_hour = point.usd_per_hour});
  }
  for (auto& [pool, points] : evidence.price_history) {
    std::sort(points.begin(), points.end(),
              [](const auto& a, const auto& b) { return a.timestamp < b.timestamp; });
  }
  return evidence;
}

}  // namespace cloudoptim::controlplane
