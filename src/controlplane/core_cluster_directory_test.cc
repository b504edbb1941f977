#include "controlplane/core_cluster_directory.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "aws/aws_transport.h"
#include "controlplane/interruption_handlers.h"
#include "kube/fake_cluster_api.h"
#include "net/fake_http_client.h"
#include "store/open_store.h"

namespace cloudoptim::controlplane {
namespace {

class CoreClusterDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*store::OpenInMemoryStore({.clock = &clock_}));
    tenant_ = store_->tenants().CreateTenant("acme")->id;
    good_ = *store_->clusters().RegisterCluster(tenant_, {"prod", "us-east-1", "", "", "k"});
    bad_ = *store_->clusters().RegisterCluster(tenant_, {"dev", "us-east-1", "", "", "k"});
    connections_ = std::make_unique<ClusterConnections>(
        *store_,
        [this](const store::Cluster& cluster, const std::string&) -> Result<ClusterClients> {
          ++connects_;
          if (cluster.name == "dev") return Unavailable("dev API server down");
          ClusterClients clients;
          clients.kube = std::make_unique<FakeClusterApi>();
          return clients;
        });
  }

  FakeClock clock_{TimePoint(std::chrono::seconds(1'790'000'000))};
  std::unique_ptr<store::Store> store_;
  std::string tenant_;
  store::Cluster good_, bad_;
  std::atomic<int> connects_{0};
  std::unique_ptr<ClusterConnections> connections_;
};

TEST_F(CoreClusterDirectoryTest, ListsConnectableClustersWithStableClients) {
  CoreClusterDirectory directory(
      [this] {
        return std::vector{good_, bad_};
      },
      *connections_, nullptr);
  std::vector<ClusterHandle> first = directory.Clusters();
  ASSERT_EQ(first.size(), 1u);  // dev cannot be connected: left out
  EXPECT_EQ(first[0].cluster_id, good_.id);
  EXPECT_EQ(first[0].tenant_id, tenant_);
  EXPECT_EQ(first[0].name, "prod");
  ASSERT_NE(first[0].api, nullptr);
  EXPECT_EQ(first[0].launcher, nullptr);
  // Connected once and kept: the handle's client stays the same object; a failed connection
  // is tried again.
  std::vector<ClusterHandle> second = directory.Clusters();
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].api, first[0].api);
  EXPECT_EQ(connects_.load(), 3);  // prod once, dev on each of the two calls
}

TEST_F(CoreClusterDirectoryTest, IsSafeToCallFromManyThreads) {
  CoreClusterDirectory directory([this] { return std::vector{good_}; }, *connections_, nullptr);
  std::vector<std::thread> threads;
  std::atomic<int> handles{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 50; ++j) handles += static_cast<int>(directory.Clusters().size());
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(handles.load(), 400);
  EXPECT_EQ(connects_.load(), 1);
}

TEST_F(CoreClusterDirectoryTest, ClustersWithoutQueueOrAwsGetNoInterruptionHandler) {
  store::Cluster queued =
      *store_->clusters().RegisterCluster(tenant_, {"q", "us-east-1", "", "https://sqs/q", "k"});
  CoreClusterDirectory directory(
      [&] {
        return std::vector{good_, queued};
      },
      *connections_, nullptr);
  InterruptionHandlers handlers(*store_, directory, *connections_, clock_, {});
  // good_ has no queue URL; queued has one but its (fake) clients carry no AWS account.
  handlers.Sync({good_, queued});
  EXPECT_TRUE(handlers.queues().empty());
  handlers.Stop();
}

// A cluster with AWS access gets a replacement launcher (kept: handles hold raw pointers),
// the catalogue's pool scores of its region and its stored thresholds — everything the
// handler needs to launch a replacement, with nothing configured.
TEST_F(CoreClusterDirectoryTest, ClustersWithAwsAccessGetALauncherScoresAndTheirThresholds) {
  Result<Catalog> catalog = Catalog::Load(CO_SOURCE_DIR "/data");
  ASSERT_TRUE(catalog) << catalog.error().ToString();
  FakeHttpClient http;  // never called: nothing is launched here
  aws::AwsTransport transport(http, nullptr, clock_);
  ClusterConnections with_aws(
      *store_, [&](const store::Cluster&, const std::string&) -> Result<ClusterClients> {
        ClusterClients clients;
        clients.kube = std::make_unique<FakeClusterApi>();
        clients.aws = std::make_shared<AwsAccount>();
        clients.aws->ec2 = std::make_unique<aws::Ec2Client>(
            transport,
            aws::ServiceEndpoint{
                .url = "http://127.0.0.1:1", .signing_region = "us-east-1", .signing_name = "ec2"});
        return clients;
      });
  store::ClusterSettings settings;
  settings.thresholds_json = R"({"min_pool_safety_score": 0.9})";
  ASSERT_TRUE(store_->clusters().PutSettings(tenant_, good_.id, settings));
  CoreClusterDirectory directory([this] { return std::vector{good_}; }, with_aws, &*catalog,
                                 store_.get());
  std::vector<ClusterHandle> first = directory.Clusters();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_NE(first[0].launcher, nullptr);
  ASSERT_NE(first[0].scores, nullptr);
  EXPECT_GT(first[0].scores->size(), 0u);
  EXPECT_EQ(first[0].catalog, &*catalog);
  EXPECT_DOUBLE_EQ(first[0].thresholds.min_pool_safety_score, 0.9);
  std::vector<ClusterHandle> second = directory.Clusters();
  EXPECT_EQ(second[0].launcher, first[0].launcher);
  EXPECT_EQ(second[0].scores, first[0].scores);
}

}  // namespace
}  // namespace cloudoptim::controlplane
