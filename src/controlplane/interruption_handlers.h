// One InterruptionHandler per distinct interruption queue of the registered clusters
// (clusters sharing a queue share its handler; every handler routes over the whole
// directory, since one queue may serve many clusters). Sync() starts a handler for every queue
// it has not seen, with the SQS client of the first cluster naming that queue; a cluster
// without a queue URL or without AWS access gets no handler, and that is logged once.
//
//   InterruptionHandlers handlers(store, directory, connections, clock, options);
//   handlers.Sync(loop.Clusters());   // on every pass of the execution worker
//   handlers.Stop();                  // before the engine loop stops
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "controlplane/cluster_connections.h"
#include "execute/interruption_handler.h"

namespace cloudoptim::controlplane {

class InterruptionHandlers {
 public:
  InterruptionHandlers(store::Store& store, ClusterDirectory& directory,
                       ClusterConnections& connections, Clock& clock,
                       InterruptionHandlerOptions options)
      : store_(store),
        directory_(directory),
        connections_(connections),
        clock_(clock),
        options_(std::move(options)) {}
  ~InterruptionHandlers() { Stop(); }

  void Sync(const std::vector<store::Cluster>& clusters);
  // Stops and joins every handler. Safe to call twice.
  void Stop();
  // Queue URLs with a running handler.
  std::vector<std::string> queues() const;

 private:
  struct Running {
    std::shared_ptr<ClusterClients> clients;  // keeps the SQS client alive
    std::unique_ptr<SqsInterruptionQueue> queue;
    std::unique_ptr<InterruptionHandler> handler;
  };
  void NoteOnce(const store::Cluster& cluster, const std::string& why);

  store::Store& store_;
  ClusterDirectory& directory_;
  ClusterConnections& connections_;
  Clock& clock_;
  InterruptionHandlerOptions options_;
  mutable std::mutex mutex_;
  std::map<std::string, Running> running_;  // by queue URL
  std::set<std::string> noted_;             // cluster ids whose missing handler was logged
  bool stopped_ = false;
};

}  // namespace cloudoptim::controlplane
