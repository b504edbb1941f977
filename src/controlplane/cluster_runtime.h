// One registered cluster as the control plane sees it: a Kubernetes client kept current by
// the watch-based ClusterCache (listed once, then watched, relisted every `snapshot_resync`),
// and, when the cluster has AWS access, the account's recent spot prices.
//
//   CO_ASSIGN_OR_RETURN(ClusterClients clients, ConnectCluster(cluster, credentials, clock));
//   ClusterRuntime runtime(cluster, std::move(clients), clock, {.snapshot_resync = 30min});
//   CO_ASSIGN_OR_RETURN(Snapshot snapshot, runtime.CurrentSnapshot());
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aws/aws_session.h"
#include "aws/ec2_client.h"
#include "aws/ec2_types.h"
#include "aws/sqs_client.h"
#include "common/clock.h"
#include "kube/cluster_api.h"
#include "kube/cluster_cache.h"
#include "net/curl_http_client.h"
#include "risk/region_scoring.h"
#include "store/store_types.h"

namespace cloudoptim::controlplane {

// The account's spot price history in [from, to) for the cluster's region.
using SpotPriceSource =
    std::function<Result<std::vector<aws::SpotPricePoint>>(TimePoint from, TimePoint to)>;

// The AWS side of one cluster: the signing session and the clients built over it. Owns what
// the session borrows (the HTTP client). Shared, so the executor and the interruption handler
// can keep using it while the engine loop rebuilds its runtime.
struct AwsAccount {
  std::unique_ptr<CurlHttpClient> http;
  std::unique_ptr<aws::AwsSession> session;
  std::unique_ptr<aws::Ec2Client> ec2;
  std::unique_ptr<aws::SqsClient> sqs;
};

// The clients one cluster needs. Tests build them around FakeClusterApi.
struct ClusterClients {
  std::unique_ptr<ClusterApi> kube;
  SpotPriceSource spot_prices;      // null: no AWS access configured for this cluster
  std::shared_ptr<AwsAccount> aws;  // null: no AWS access configured for this cluster
  // Keep the snapshot current with watch threads between relists. Off for fakes whose state a
  // test changes directly (each CurrentSnapshot then relists).
  bool watch = true;
};

// Builds clients from a cluster record and its decrypted credentials
// (cluster_credentials.h). Errors are the cluster's status: they must name what to fix and
// never carry a secret.
using ClusterConnector = std::function<Result<ClusterClients>(const store::Cluster& cluster,
                                                              const std::string& credentials)>;

// The production connector: KubeClusterApi over the credentials' kubeconfig; AWS through
// AwsSession (region and endpoint from the cluster record, the role or keys from the
// credentials) when the credentials configure AWS access.
ClusterConnector RealClusterConnector(Clock& clock);

struct ClusterRuntimeOptions {
  Duration snapshot_resync = std::chrono::minutes(30);
  Duration spot_price_window = std::chrono::hours(6);
};

class ClusterRuntime {
 public:
  ClusterRuntime(store::Cluster cluster, ClusterClients clients, Clock& clock,
                 ClusterRuntimeOptions options = {});
  ~ClusterRuntime();  // stops the watches
  ClusterRuntime(const ClusterRuntime&) = delete;
  ClusterRuntime& operator=(const ClusterRuntime&) = delete;

  // The cluster as of now: lists everything on the first call and every snapshot_resync,
  // the watches keep it current in between. region is the cluster record's (else the
  // nodes' region label); now is the clock's. A failed list is returned (Unavailable,
  // Unauthenticated, PermissionDenied...), annotated with the resource.
  Result<Snapshot> CurrentSnapshot();
  // Spot price evidence for the risk model and the engines; empty without AWS access.
  Result<RegionEvidence> SpotEvidence();
  // The raw points behind the last SpotEvidence() (for the store's price history).
  const std::vector<aws::SpotPricePoint>& last_spot_prices() const { return last_prices_; }

  const store::Cluster& cluster() const { return cluster_; }
  ClusterApi& kube() { return *clients_.kube; }
  // The cluster's AWS account (EC2, SQS clients); null without AWS access.
  const std::shared_ptr<AwsAccount>& aws() const { return clients_.aws; }
  std::optional<TimePoint> last_sync() const { return last_sync_; }

 private:
  store::Cluster cluster_;
  ClusterClients clients_;
  Clock& clock_;
  ClusterRuntimeOptions options_;
  std::unique_ptr<ClusterCache> cache_;
  bool watching_ = false;
  std::optional<TimePoint> last_sync_;
  std::vector<aws::SpotPricePoint> last_prices_;
};

}  // namespace cloudoptim::controlplane
