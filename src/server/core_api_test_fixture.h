// The core API tests' world: an in-memory store with two tenants (A with admin, operator and
// viewer keys, a cluster and recommendations; B with an admin key and its own cluster), a
// fake control plane, a fake clock, and a CoreApiServer on a free port called through a real
// HTTP client.
#pragma once

#include <httplib.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "server/core_api.h"
#include "store/open_store.h"

namespace cloudoptim::server {

// A hand-written control plane: records triggers, answers with a fixed outcome or an
// injected error, and reports itself ready when told.
class FakeHooks : public ControlPlaneHooks {
 public:
  Result<CycleOutcome> TriggerCycle(const std::string& tenant_id,
                                    const std::string& cluster_id) override {
    std::lock_guard lock(mutex_);
    triggered.push_back(tenant_id + "/" + cluster_id);
    if (next_error) return std::unexpected(*std::exchange(next_error, std::nullopt));
    return CycleOutcome{.cluster_id = cluster_id,
                        .recommendation_count = 3,
                        .inserted = 2,
                        .updated = 1,
                        .monthly_savings = Money::FromUsd(123.45)};
  }
  bool Ready() const override { return ready; }
  std::optional<LoopStatus> GetLoopStatus(const std::string&, const std::string&) const override {
    return loop;
  }
  void OnClusterRegistered(const store::Cluster& cluster) override {
    std::lock_guard lock(mutex_);
    registered.push_back(cluster.id);
  }
  void OnSettingsChanged(const std::string&, const std::string& cluster_id) override {
    std::lock_guard lock(mutex_);
    settings_changed.push_back(cluster_id);
  }

  bool ready = true;
  std::optional<Error> next_error;
  LoopStatus loop{.running = true, .cycle_interval = std::chrono::minutes(10)};
  std::vector<std::string> triggered;
  std::vector<std::string> registered;
  std::vector<std::string> settings_changed;

 private:
  std::mutex mutex_;
};

struct Reply {
  int status = 0;
  nlohmann::json body;
  std::string text;
  std::string retry_after;
};

class CoreApiTest : public ::testing::Test {
 protected:
  static constexpr char kOperatorKey[] = "service-operator-secret";

  void SetUp() override { StartWith({}); }
  // The client goes first: an open keep-alive connection would hold the server's Stop.
  void TearDown() override {
    client_.reset();
    api_.reset();
  }

  // Builds the world and starts a server with `options` (port, clock, keys filled in).
  void StartWith(CoreApiOptions options) {
    client_.reset();
    api_.reset();
    store_ = store::OpenInMemoryStore({.clock = &clock_}).value();
    store::TenantStore& tenants = store_->tenants();
    tenant_a_ = tenants.CreateTenant("acme").value().id;
    tenant_b_ = tenants.CreateTenant("globex").value().id;
    admin_a_ = tenants.CreateApiKey(tenant_a_, store::Role::kAdmin, "a admin").value().plaintext;
    operator_a_ =
        tenants.CreateApiKey(tenant_a_, store::Role::kOperator, "a operator").value().plaintext;
    viewer_a_ = tenants.CreateApiKey(tenant_a_, store::Role::kViewer, "a viewer").value().plaintext;
    admin_b_ = tenants.CreateApiKey(tenant_b_, store::Role::kAdmin, "b admin").value().plaintext;
    store::ClusterRegistration registration{
        .name = "prod", .region = "us-east-1", .credentials = R"({"server":"https://k"})"};
    cluster_a_ = store_->clusters().RegisterCluster(tenant_a_, registration).value().id;
    cluster_b_ = store_->clusters().RegisterCluster(tenant_b_, registration).value().id;
    AddRecommendation(tenant_a_, cluster_a_, rec_a_, 250.5);
    AddRecommendation(tenant_b_, cluster_b_, rec_b_, 99);

    options.port = 0;
    options.clock = &clock_;
    options.operator_key = kOperatorKey;
    if (options.max_body_bytes == CoreApiOptions{}.max_body_bytes) options.max_body_bytes = 4096;
    options.access_log = [this](const std::string& line) {
      std::lock_guard lock(log_mutex_);
      access_log_.push_back(line);
    };
    api_ = std::make_unique<CoreApiServer>(*store_, hooks_, options);
    ASSERT_TRUE(api_->Start().has_value());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", api_->port());
    client_->set_keep_alive(true);
  }

  Reply Call(const std::string& method, const std::string& path, const std::string& key,
             const std::string& body = "") {
    httplib::Headers headers;
    if (!key.empty()) headers.emplace("Authorization", "Bearer " + key);
    httplib::Result result =
        method == "GET"    ? client_->Get(path, headers)
        : method == "POST" ? client_->Post(path, headers, body, "application/json")
        : method == "PUT"  ? client_->Put(path, headers, body, "application/json")
        : body.empty()     ? client_->Delete(path, headers)
                           : client_->Delete(path, headers, body, "application/json");
    Reply reply;
    if (!result) {
      ADD_FAILURE() << method << " " << path << ": no response";
      return reply;
    }
    reply.status = result->status;
    reply.text = result->body;
    reply.retry_after = result->get_header_value("Retry-After");
    reply.body = nlohmann::json::parse(result->body, nullptr, false);
    return reply;
  }
  Reply Get(const std::string& path, const std::string& key) { return Call("GET", path, key); }

  // Stores recommendations for a cluster of a tenant.
  void AddRecommendation(const std::string& tenant, const std::string& cluster,
                         const std::string& id, double monthly_usd) {
    store::StoredRecommendation r{.id = id,
                                  .cluster_id = cluster,
                                  .engine = "bin-pack",
                                  .target = "node/x",
                                  .actions_json = R"([{"type":"drain-node","target":"node/x"}])",
                                  .monthly_savings = Money::FromUsd(monthly_usd),
                                  .confidence = 0.9,
                                  .explanation = "node x is underused"};
    ASSERT_TRUE(store_->recommendations().UpsertRecommendations(tenant, cluster, {r}).has_value());
  }

  std::unique_ptr<store::Store> store_;
  FakeHooks hooks_;
  FakeClock clock_{TimePoint{} + std::chrono::hours(24 * 365 * 56)};
  std::vector<std::string> access_log_;
  std::mutex log_mutex_;
  std::unique_ptr<CoreApiServer> api_;
  std::unique_ptr<httplib::Client> client_;

  std::string tenant_a_, tenant_b_;
  std::string admin_a_, operator_a_, viewer_a_, admin_b_;
  std::string cluster_a_, cluster_b_;
  std::string rec_a_ = "bin-pack/node/ip-10-0-1-2/3fa1", rec_b_ = "bin-pack/node/ip-10-9-9-9/77aa";
};

}  // namespace cloudoptim::server
