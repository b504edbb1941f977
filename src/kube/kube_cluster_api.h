// ClusterApi over a real Kubernetes API server (through KubeRestClient): paginated lists,
// watches with bookmarks, and the acting calls with server-side dry run.
//
//   SystemClock clock;
//   CO_ASSIGN_OR_RETURN(ClusterConnection c, LoadKubeconfig({.context = "prod"}));
//   KubeClusterApi api(KubeRestClient::Create(c, clock));
#pragma once

#include <memory>

#include "kube/cluster_api.h"
#include "kube/kube_rest_client.h"

namespace cloudoptim {

class KubeClusterApi final : public ClusterApi {
 public:
  explicit KubeClusterApi(std::unique_ptr<KubeRestClient> rest);

  Result<std::string> List(ClusterResource resource, const ListOptions& options,
                           Snapshot* out) override;
  Result<Node> GetNode(std::string_view name) override;
  Result<Pod> GetPod(std::string_view namespace_name, std::string_view name) override;
  Status Watch(ClusterResource resource, std::string_view resource_version,
               const ChangeCallback& on_change, const std::atomic<bool>* cancelled) override;

  Status SetUnschedulable(std::string_view node, bool unschedulable,
                          const ActOptions& options) override;
  Status SetTaint(std::string_view node, const Taint& taint, bool present,
                  const ActOptions& options) override;
  Status PatchMetadata(const ObjectRef& object,
                       const std::map<std::string, std::optional<std::string>>& labels,
                       const std::map<std::string, std::optional<std::string>>& annotations,
                       const ActOptions& options) override;
  Result<EvictionOutcome> Evict(std::string_view namespace_name, std::string_view pod,
                                const ActOptions& options) override;
  Status DeletePod(std::string_view namespace_name, std::string_view pod,
                   const ActOptions& options) override;
  Status Scale(WorkloadKind kind, std::string_view namespace_name, std::string_view name,
               int32_t replicas, const ActOptions& options) override;
  Status PatchContainerResources(WorkloadKind kind, std::string_view namespace_name,
                                 std::string_view name, std::string_view container,
                                 const ContainerResources& resources,
                                 const ActOptions& options) override;

  // How many seconds the server keeps one watch request open before closing it normally.
  void set_watch_timeout_seconds(int seconds) { watch_timeout_seconds_ = seconds; }

 private:
  template <typename T>
  Result<std::string> ListPages(ClusterResource resource, const ListOptions& options,
                                std::vector<T>* out);
  template <typename T>
  Status WatchAs(ClusterResource resource, std::string_view resource_version,
                 const ChangeCallback& on_change, const std::atomic<bool>* cancelled);
  Status Patch(const std::string& path, const std::string& content_type, const std::string& body,
               const ActOptions& options);

  std::unique_ptr<KubeRestClient> rest_;
  int watch_timeout_seconds_ = 300;
};

// The REST path of a resource's collection ("/apis/apps/v1/namespaces/shop/deployments") and
// of one object in it; exposed for the fake and for tests.
std::string CollectionPath(ClusterResource resource, std::string_view namespace_name);
std::string ObjectPath(ClusterResource resource, std::string_view namespace_name,
                       std::string_view name);
std::string UrlEncode(std::string_view text);

}  // namespace cloudoptim
