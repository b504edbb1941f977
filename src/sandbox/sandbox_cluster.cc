#include "sandbox/sandbox_cluster.h"

#include <nlohmann/json.hpp>

#include "sandbox/node_factory.h"
#include "sandbox/quantity_text.h"
#include "sandbox/sandbox_scheduler.h"

namespace cloudoptim::sandbox {
namespace {

using nlohmann::json;

// What the node's own daemons (kubelet, containerd, system slices) use, added to the pods'
// usage in node metrics as metrics-server reports the whole node.
constexpr int64_t kSystemCpuMillis = 90;
constexpr int64_t kSystemMemoryBytes = 450LL << 20;

json MetricsMeta(const std::string& name, const std::string& ns, const json& labels,
                 const std::string& when) {
  json meta = {{"name", name}, {"creationTimestamp", when}};
  if (!ns.empty()) meta["namespace"] = ns;
  if (!labels.is_null() && !labels.empty()) meta["labels"] = labels;
  return meta;
}

// metav1.MicroTime's layout: RFC 3339 with exactly six fractional digits.
std::string MicroTime(TimePoint t) {
  std::string text = FormatRfc3339(t);
  return text.substr(0, text.size() - 1) + ".000000Z";
}

json LabelsJson(const std::map<std::string, std::string, std::less<>>& labels) {
  json out = json::object();
  for (const auto& [k, v] : labels) out[k] = v;
  return out;
}

}  // namespace

SandboxCluster::SandboxCluster(const Clock* clock, Options options)
    : clock_(clock),
      options_(std::move(options)),
      catalog_(options_.catalog != nullptr ? options_.catalog : ShippedCatalog()),
      store_(clock, options_.event_window),
      controllers_(&store_, &index_),
      scheduler_(&store_, &index_),
      kubelet_(&store_, &index_, options_.seed),
      random_(options_.seed) {
  store_.SetObserver("pods",
                     [this](WatchEventType type, const json& pod) { index_.Apply(type, pod); });
  store_.SetObserver("nodes", [this](WatchEventType type, const json& node) {
    scheduler_.NodeChanged(type, node);
  });
  for (const char* ns : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
    (void)store_.Create("namespaces", {{"apiVersion", "v1"},
                                       {"kind", "Namespace"},
                                       {"metadata", {{"name", ns}}},
                                       {"status", {{"phase", "Active"}}}});
  }
}

SandboxCluster::~SandboxCluster() { StopLoop(); }

void SandboxCluster::OnInstanceRunning(const Ec2Instance& instance, bool joins_cluster) {
  std::string group;
  if (auto tag = instance.tags.find(kNodeGroupTag); tag != instance.tags.end()) group = tag->second;
  {
    std::lock_guard lock(fleet_mutex_);
    fleet_[instance.instance_id] = {instance, group, joins_cluster, std::nullopt};
  }
  if (!joins_cluster) return;
  // A type the catalogue does not know cannot be registered with a capacity: the instance
  // stays a non-joined EC2 instance (an orphan), as a misconfigured node would.
  Result<const InstanceType*> type = FindNodeType(catalog_, instance.instance_type);
  if (!type) return;
  json node = MakeNodeObject(instance, group.empty() ? "default" : group, options_.region, **type);
  std::string name = node["metadata"]["name"];
  (void)store_.Create("nodes", std::move(node));
  // The node's heartbeat lease, which `kubectl describe node` shows.
  (void)store_.Create("leases.coordination.k8s.io",
                      {{"apiVersion", "coordination.k8s.io/v1"},
                       {"kind", "Lease"},
                       {"metadata", {{"name", name}, {"namespace", "kube-node-lease"}}},
                       {"spec",
                        {{"holderIdentity", name},
                         {"leaseDurationSeconds", 40},
                         {"renewTime", MicroTime(clock_->Now())}}}});
}

void SandboxCluster::OnInstanceTerminated(const Ec2Instance& instance) {
  {
    std::lock_guard lock(fleet_mutex_);
    fleet_.erase(instance.instance_id);
  }
  RemoveNodeOf(instance);
}

void SandboxCluster::RemoveNodeOf(const Ec2Instance& instance) {
  for (const json& node : store_.ParsedAll("nodes")) {
    if (InstanceIdOfNode(node) != instance.instance_id) continue;
    std::string name = node["metadata"].value("name", "");
    (void)store_.Delete("nodes", "", name);
    (void)store_.Delete("leases.coordination.k8s.io", "kube-node-lease", name);
  }
}

Status SandboxCluster::AddInstance(const Ec2Instance& instance, const std::string& node_group) {
  if (auto type = FindNodeType(catalog_, instance.instance_type); !type) {
    return std::unexpected(type.error());
  }
  Ec2Instance tagged = instance;
  if (!node_group.empty()) tagged.tags[std::string(kNodeGroupTag)] = node_group;
  bool joins = !tagged.tags.contains("sandbox:orphan");
  OnInstanceRunning(tagged, joins);
  return Ok();
}

std::vector<Ec2Instance> SandboxCluster::Instances() const {
  std::lock_guard lock(fleet_mutex_);
  std::vector<Ec2Instance> out;
  for (const auto& [id, f] : fleet_) out.push_back(f.instance);
  return out;
}

void SandboxCluster::AttachCloud(SimulatedCloud* cloud) {
  cloud_ = cloud;
  cloud_->AddListener(this);
  // Claims provisioned on first use become EBS volumes of the account, attached to the node's
  // instance (`aws ec2 describe-volumes` shows them in-use), as the EBS CSI driver does.
  scheduler_.SetVolumeProvisioner([cloud](const std::string& zone, int64_t size_gib,
                                          const std::string& instance_id,
                                          TimePoint now) -> Result<std::string> {
    CO_ASSIGN_OR_RETURN(
        EbsVolume volume,
        cloud->CreateVolume(zone, size_gib, "gp3", {{"ebs.csi.aws.com/cluster", "true"}}, now));
    // An instance the cloud no longer knows leaves the volume available, as a detached one is.
    if (!instance_id.empty()) (void)cloud->AttachVolume(volume.volume_id, instance_id);
    return volume.volume_id;
  });
}

Result<Ec2Instance> SandboxCluster::LaunchInstance(const Ec2Instance& spec,
                                                   const std::string& node_group,
                                                   bool joins_cluster) {
  if (auto type = FindNodeType(catalog_, spec.instance_type); !type) {
    return std::unexpected(type.error());
  }
  if (cloud_ == nullptr) {
    Ec2Instance tagged = spec;
    if (!joins_cluster) tagged.tags["sandbox:orphan"] = "true";
    CO_RETURN_IF_ERROR(AddInstance(tagged, node_group));
    return tagged;
  }
  LaunchRequest request{.instance_type = spec.instance_type,
                        .zone = spec.availability_zone,
                        .capacity = spec.capacity,
                        .count = 1,
                        .tags = spec.tags,
                        .joins_cluster = joins_cluster};
  if (!node_group.empty()) {
    // As an EKS managed node group does: the group's launch template tags its instances, and
    // EC2 records the template on each (aws:ec2launchtemplate:id), which is how CloudOptim
    // launches a replacement into the same group.
    CO_ASSIGN_OR_RETURN(
        SimulatedLaunchTemplate launch_template,
        cloud_->EnsureLaunchTemplate(NodeGroupLaunchTemplateName(node_group),
                                     {{std::string(kNodeGroupTag), node_group}}, spec.launch_time));
    request.launch_template_id = launch_template.launch_template_id;
    request.tags[std::string(kNodeGroupTag)] = node_group;
  }
  CO_ASSIGN_OR_RETURN(std::vector<Ec2Instance> launched,
                      cloud_->RunInstances(request, spec.launch_time));
  return launched.front();
}

void SandboxCluster::SyncCloud() {
  if (cloud_ != nullptr) cloud_->Advance(clock_->Now());
}

// With a cloud attached, a spot instance's interruption is the cloud's: the EventBridge
// warning lands on its SQS queue and the cloud terminates the instance after the notice, which
// removes the Node through OnInstanceTerminated. Instances the cloud does not interrupt
// (on-demand) are terminated by the sandbox itself when the notice runs out.
Status SandboxCluster::Interrupt(const std::string& target) {
  TimePoint now = clock_->Now();
  std::string instance_id = target;
  if (!target.starts_with("i-")) {
    Result<json> node = store_.Get("nodes", "", target);
    if (!node) return NotFound("nodes \"" + target + "\" not found");
    instance_id = InstanceIdOfNode(*node);
  }
  bool by_cloud = false;
  {
    std::lock_guard lock(fleet_mutex_);
    auto it = fleet_.find(instance_id);
    if (it == fleet_.end()) {
      return NotFound("InvalidInstanceID.NotFound: The instance ID '" + instance_id +
                      "' does not exist");
    }
    by_cloud = cloud_ != nullptr && it->second.instance.capacity == CapacityType::kSpot;
  }
  if (by_cloud) CO_RETURN_IF_ERROR(cloud_->InjectSpotInterruption(instance_id, now));
  {
    std::lock_guard lock(fleet_mutex_);
    auto it = fleet_.find(instance_id);
    if (it != fleet_.end() && !it->second.terminate_at) {
      it->second.terminate_at = now + options_.interruption_notice;
      it->second.cloud_terminates = by_cloud;
    }
  }
  for (const json& node : store_.ParsedAll("nodes")) {
    if (InstanceIdOfNode(node) != instance_id) continue;
    RecordEvent(store_, node, "Warning", "SpotInterruption",
                "EC2 Spot Instance Interruption Warning: instance " + instance_id +
                    " will be terminated at " + FormatRfc3339(now + options_.interruption_notice),
                "sandbox-cloud", now);
  }
  return Ok();
}

void SandboxCluster::TerminateDue(TimePoint now) {
  std::vector<Ec2Instance> due;
  {
    std::lock_guard lock(fleet_mutex_);
    for (auto it = fleet_.begin(); it != fleet_.end();) {
      bool is_due = it->second.terminate_at && *it->second.terminate_at <= now &&
                    !it->second.cloud_terminates;
      if (is_due) {
        due.push_back(it->second.instance);
        it = fleet_.erase(it);
      } else {
        ++it;
      }
    }
  }
  if (cloud_ != nullptr && !due.empty()) {
    std::vector<std::string> ids;
    for (const Ec2Instance& instance : due) ids.push_back(instance.instance_id);
    (void)cloud_->TerminateInstances(ids, now);
  }
  for (const Ec2Instance& instance : due) RemoveNodeOf(instance);
}

// Each spot instance is interrupted with probability rate × elapsed hours per tick, from a
// seeded generator so that a scenario replays the same interruptions at the same speed.
void SandboxCluster::InjectRandomInterruptions(TimePoint now, Duration elapsed) {
  if (options_.interrupt_rate_per_hour <= 0) return;
  double hours = std::chrono::duration<double, std::ratio<3600>>(elapsed).count();
  double p = options_.interrupt_rate_per_hour * hours;
  std::vector<std::string> chosen;
  {
    std::lock_guard lock(fleet_mutex_);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (const auto& [id, f] : fleet_) {
      if (f.instance.capacity != CapacityType::kSpot || f.terminate_at || !f.joined) continue;
      if (unit(random_) < p) chosen.push_back(id);
    }
  }
  (void)now;
  for (const std::string& id : chosen) (void)Interrupt(id);
}

void SandboxCluster::Tick() {
  std::lock_guard lock(tick_mutex_);
  TimePoint now = clock_->Now();
  Duration elapsed = last_tick_ ? now - *last_tick_ : Duration::zero();
  last_tick_ = now;
  SyncCloud();
  TerminateDue(now);
  InjectRandomInterruptions(now, elapsed);
  // Schedules fire with time, not with changes: CronJobs are looked at on every tick.
  controllers_.ReconcileCronJobs(now);
  // Controllers are level-triggered but only worth running when something changed.
  for (int pass = 0; pass < 3; ++pass) {
    uint64_t version = store_.CurrentVersion();
    if (version == last_reconciled_version_) break;
    controllers_.ReconcileAll(now);
    scheduler_.SchedulePending(now);
    kubelet_.Tick(now);
    last_reconciled_version_ = version;
  }
  kubelet_.Tick(now);
}

void SandboxCluster::StartLoop(std::chrono::milliseconds period) {
  StopLoop();
  loop_stop_ = false;
  loop_ = std::thread([this, period] {
    std::unique_lock lock(loop_mutex_);
    while (!loop_stop_) {
      lock.unlock();
      Tick();
      lock.lock();
      loop_cv_.wait_for(lock, period, [this] { return loop_stop_; });
    }
  });
}

void SandboxCluster::StopLoop() {
  {
    std::lock_guard lock(loop_mutex_);
    loop_stop_ = true;
  }
  loop_cv_.notify_all();
  if (loop_.joinable()) loop_.join();
}

Result<json> SandboxCluster::NodeMetrics(const std::string& name) {
  TimePoint now = clock_->Now();
  std::string when = FormatRfc3339(now);
  std::map<std::string, std::pair<int64_t, int64_t>> usage;  // node -> cpu, memory
  index_.ForEach([&](const PodRecord& p) {
    if (p.node_name.empty() || p.phase != "Running") return;
    auto& [cpu, memory] = usage[p.node_name];
    for (const ContainerRecord& c : p.containers) {
      ContainerUsage u = kubelet_.UsageOf(p, c, now);
      cpu += u.cpu_millis;
      memory += u.memory_bytes;
    }
  });
  json items = json::array();
  for (const json& node : store_.ParsedAll("nodes")) {
    std::string node_name = node["metadata"].value("name", "");
    if (!name.empty() && node_name != name) continue;
    auto [cpu, memory] = usage[node_name];
    items.push_back(
        {{"metadata", MetricsMeta(node_name, "", node["metadata"].value("labels", json()), when)},
         {"timestamp", when},
         {"window", "20s"},
         {"usage",
          {{"cpu", FormatCpuNanos(cpu + kSystemCpuMillis)},
           {"memory", std::to_string((memory + kSystemMemoryBytes) / 1024) + "Ki"}}}});
  }
  if (!name.empty()) {
    if (items.empty()) return NotFound("nodemetrics.metrics.k8s.io \"" + name + "\" not found");
    json item = items[0];
    item["kind"] = "NodeMetrics";
    item["apiVersion"] = "metrics.k8s.io/v1beta1";
    return item;
  }
  return json{{"kind", "NodeMetricsList"},
              {"apiVersion", "metrics.k8s.io/v1beta1"},
              {"metadata", json::object()},
              {"items", items}};
}

Result<json> SandboxCluster::PodMetrics(const std::string& namespace_name,
                                        const std::string& name) {
  TimePoint now = clock_->Now();
  std::string when = FormatRfc3339(now);
  json items = json::array();
  index_.ForEach([&](const PodRecord& p) {
    if (p.phase != "Running") return;
    if (!namespace_name.empty() && p.namespace_name != namespace_name) return;
    if (!name.empty() && p.name != name) return;
    json containers = json::array();
    for (const ContainerRecord& c : p.containers) {
      ContainerUsage u = kubelet_.UsageOf(p, c, now);
      containers.push_back({{"name", c.name},
                            {"usage",
                             {{"cpu", FormatCpuNanos(u.cpu_millis)},
                              {"memory", std::to_string(u.memory_bytes / 1024) + "Ki"}}}});
    }
    items.push_back(
        {{"metadata", MetricsMeta(p.name, p.namespace_name, LabelsJson(p.labels), when)},
         {"timestamp", when},
         {"window", "20s"},
         {"containers", containers}});
  });
  if (!name.empty()) {
    if (items.empty()) return NotFound("podmetrics.metrics.k8s.io \"" + name + "\" not found");
    json item = items[0];
    item["kind"] = "PodMetrics";
    item["apiVersion"] = "metrics.k8s.io/v1beta1";
    return item;
  }
  return json{{"kind", "PodMetricsList"},
              {"apiVersion", "metrics.k8s.io/v1beta1"},
              {"metadata", json::object()},
              {"items", items}};
}

}  // namespace cloudoptim::sandbox
