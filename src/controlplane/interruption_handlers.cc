#include "controlplane/interruption_handlers.h"

#include "controlplane/control_plane_log.h"

namespace cloudoptim::controlplane {

void InterruptionHandlers::NoteOnce(const store::Cluster& cluster, const std::string& why) {
  if (!noted_.insert(cluster.id).second) return;
  Log(LogLevel::kInfo, "no interruption handler for cluster",
      {{"cluster", cluster.id}, {"reason", why}});
}

void InterruptionHandlers::Sync(const std::vector<store::Cluster>& clusters) {
  std::lock_guard lock(mutex_);
  if (stopped_) return;
  for (const store::Cluster& cluster : clusters) {
    if (cluster.queue_url.empty()) {
      NoteOnce(cluster, "no queue_url");
      continue;
    }
    if (running_.contains(cluster.queue_url)) continue;
    Result<std::shared_ptr<ClusterClients>> clients = connections_.Get(cluster);
    if (!clients) {
      NoteOnce(cluster, clients.error().ToString());
      continue;
    }
    if (!(*clients)->aws) {
      NoteOnce(cluster, "no AWS access configured");
      continue;
    }
    Running running;
    running.clients = *clients;
    running.queue =
        std::make_unique<SqsInterruptionQueue>(*running.clients->aws->sqs, cluster.queue_url);
    running.handler =
        std::make_unique<InterruptionHandler>(store_, directory_, *running.queue, clock_, options_);
    if (Status started = running.handler->Start(); !started) {
      NoteOnce(cluster, started.error().ToString());
      continue;
    }
    Log(LogLevel::kInfo, "interruption handler started",
        {{"queue_url", cluster.queue_url}, {"cluster", cluster.id}});
    running_.emplace(cluster.queue_url, std::move(running));
  }
}

void InterruptionHandlers::Stop() {
  std::lock_guard lock(mutex_);
  stopped_ = true;
  for (auto& [url, running] : running_) running.handler->Stop();
  running_.clear();
}

std::vector<std::string> InterruptionHandlers::queues() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> urls;
  for (const auto& [url, running] : running_) urls.push_back(url);
  return urls;
}

}  // namespace cloudoptim::controlplane
