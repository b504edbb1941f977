// The CronJob controller (WorkloadControllers::ReconcileCronJobs), on the simulated clock so
// that `--speed` makes schedules come sooner: at each schedule time since
// status.lastScheduleTime (or creation) it creates a Job <cronjob>-<minutes since epoch> from
// spec.jobTemplate, honouring suspend, startingDeadlineSeconds and concurrencyPolicy (Allow;
// Forbid skips while a Job is active and retries the missed time; Replace deletes the active
// Jobs first), then keeps successfulJobsHistoryLimit (default 3) finished Jobs that succeeded
// and failedJobsHistoryLimit (default 1) that failed. Only the latest missed time runs, as
// Kubernetes does after downtime.
#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "sandbox/controller_support.h"
#include "sandbox/cron_schedule.h"
#include "sandbox/workload_controllers.h"

namespace cloudoptim::sandbox {
namespace {

using nlohmann::json;

constexpr std::string_view kScheduledAt = "batch.kubernetes.io/cronjob-scheduled-timestamp";

enum class JobState { kActive, kSucceeded, kFailed };

JobState StateOf(const json& job) {
  if (!job.contains("status")) return JobState::kActive;
  for (const json& c : job["status"].value("conditions", json::array())) {
    if (c.value("status", "") != "True") continue;
    if (c.value("type", "") == "Complete") return JobState::kSucceeded;
    if (c.value("type", "") == "Failed") return JobState::kFailed;
  }
  return JobState::kActive;
}

TimePoint TimeField(const json& object, const char* field, TimePoint fallback) {
  TimePoint t;
  if (object.is_object() && object.contains(field) && object[field].is_string() &&
      ParseRfc3339(object[field].get<std::string>(), &t)) {
    return t;
  }
  return fallback;
}

json JobRef(const json& job) {
  return {{"apiVersion", "batch/v1"},
          {"kind", "Job"},
          {"name", Name(job)},
          {"namespace", Ns(job)},
          {"uid", Uid(job)},
          {"resourceVersion", job["metadata"].value("resourceVersion", "")}};
}

json JobFor(const json& cronjob, TimePoint scheduled) {
  const json& tmpl = cronjob["spec"].value("jobTemplate", json::object());
  json meta = tmpl.value("metadata", json::object());
  int64_t minutes =
      std::chrono::duration_cast<std::chrono::minutes>(scheduled.time_since_epoch()).count();
  meta["name"] = Name(cronjob) + "-" + std::to_string(minutes);
  meta["namespace"] = Ns(cronjob);
  meta["ownerReferences"] = json::array({OwnerRef(cronjob)});
  meta["annotations"][std::string(kScheduledAt)] = FormatRfc3339(scheduled);
  return {{"apiVersion", "batch/v1"},
          {"kind", "Job"},
          {"metadata", meta},
          {"spec", tmpl.value("spec", json::object())}};
}

// Oldest finished Jobs beyond the limits go (their pods follow through garbage collection).
void TrimHistory(ObjectStore& store, const json& cronjob, std::vector<const json*> finished,
                 JobState state, int64_t limit) {
  std::erase_if(finished, [&](const json* job) { return StateOf(*job) != state; });
  std::sort(finished.begin(), finished.end(), [](const json* a, const json* b) {
    return TimeField((*a)["metadata"], "creationTimestamp", {}) <
           TimeField((*b)["metadata"], "creationTimestamp", {});
  });
  for (size_t i = 0; i + static_cast<size_t>(std::max<int64_t>(limit, 0)) < finished.size(); ++i) {
    (void)store.Delete("jobs.batch", Ns(cronjob), Name(*finished[i]));
  }
}

void SyncCronJob(ObjectStore& store, const json& cronjob, const std::vector<const json*>& jobs,
                 TimePoint now) {
  const json& spec = cronjob["spec"];
  std::vector<const json*> active, finished;
  TimePoint last_success{};
  for (const json* job : jobs) {
    JobState state = StateOf(*job);
    (state == JobState::kActive ? active : finished).push_back(job);
    if (state == JobState::kSucceeded) {
      last_success = std::max(last_success, TimeField((*job)["status"], "completionTime", {}));
    }
  }
  TrimHistory(store, cronjob, finished, JobState::kSucceeded,
              spec.value("successfulJobsHistoryLimit", 3));
  TrimHistory(store, cronjob, finished, JobState::kFailed, spec.value("failedJobsHistoryLimit", 1));
  const json status = cronjob.value("status", json::object());
  TimePoint last = TimeField(status, "lastScheduleTime",
                             TimeField(cronjob["metadata"], "creationTimestamp", now));
  Result<CronSchedule> schedule = CronSchedule::Parse(spec.value("schedule", ""));
  Result<TimeZone> zone = TimeZone::Find(spec.value("timeZone", ""));
  // (A plain flag rather than std::optional: g++ 12 warns maybe-uninitialized on the latter.)
  TimePoint due{};
  bool is_due = false;
  if (schedule && zone && !spec.value("suspend", false)) {
    for (std::optional<TimePoint> t = schedule->Next(last, *zone); t && *t <= now;
         t = schedule->Next(*t, *zone)) {
      due = *t;
      is_due = true;
    }
  }
  if (is_due && spec.contains("startingDeadlineSeconds") &&
      now - due > std::chrono::seconds(spec.value("startingDeadlineSeconds", 0))) {
    is_due = false;  // missed by more than the deadline: wait for the next time
  }
  std::string policy = spec.value("concurrencyPolicy", "Allow");
  json new_status = {{"active", json::array()}};
  if (is_due && policy == "Forbid" && !active.empty()) is_due = false;  // retried when none is
  if (is_due && policy == "Replace") {
    for (const json* job : active) (void)store.Delete("jobs.batch", Ns(*job), Name(*job));
    active.clear();
  }
  for (const json* job : active) new_status["active"].push_back(JobRef(*job));
  if (is_due) {
    Result<json> created = store.Create("jobs.batch", JobFor(cronjob, due));
    if (created) {
      new_status["active"].push_back(JobRef(*created));
      RecordEvent(store, cronjob, "Normal", "SuccessfulCreate", "Created job " + Name(*created),
                  "cronjob-controller", now);
    }
    new_status["lastScheduleTime"] = FormatRfc3339(due);
  }
  if (last_success != TimePoint{}) new_status["lastSuccessfulTime"] = FormatRfc3339(last_success);
  if (new_status["active"].empty()) new_status["active"] = nullptr;
  SetStatus(store, "cronjobs.batch", cronjob, new_status);
}

}  // namespace

void WorkloadControllers::ReconcileCronJobs(TimePoint now) {
  std::vector<json> cronjobs = store_->ParsedAll("cronjobs.batch");
  if (cronjobs.empty()) return;
  std::vector<json> jobs = store_->ParsedAll("jobs.batch");
  std::map<std::string, std::vector<const json*>> by_owner;
  for (const json& job : jobs) {
    for (const json& ref : job["metadata"].value("ownerReferences", json::array())) {
      if (ref.value("kind", "") == "CronJob") by_owner[ref.value("uid", "")].push_back(&job);
    }
  }
  for (const json& cronjob : cronjobs) SyncCronJob(*store_, cronjob, by_owner[Uid(cronjob)], now);
}

}  // namespace cloudoptim::sandbox
