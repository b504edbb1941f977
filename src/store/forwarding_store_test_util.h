// A store that hands out another store's parts: tests derive from it and replace one part (a
// journal whose listing fails, settings that flip between reads) without forwarding the rest
// by hand.
//
//   class FailingJournalStore final : public store::ForwardingStore, public store::JournalStore {
//     JournalStore& journal() override { return *this; }  // everything else is inner's
//   };
#pragma once

#include "store/store.h"

namespace cloudoptim::store {

class ForwardingStore : public Store {
 public:
  explicit ForwardingStore(Store& inner) : inner_(inner) {}
  TenantStore& tenants() override { return inner_.tenants(); }
  ClusterStore& clusters() override { return inner_.clusters(); }
  RecommendationStore& recommendations() override { return inner_.recommendations(); }
  JournalStore& journal() override { return inner_.journal(); }
  AuditStore& audit() override { return inner_.audit(); }
  FeedbackStore& feedback() override { return inner_.feedback(); }
  TimeSeriesStore& time_series() override { return inner_.time_series(); }
  LeaseStore& leases() override { return inner_.leases(); }
  ServiceSettingsStore& service_settings() override { return inner_.service_settings(); }
  PoolMarkStore& pool_marks() override { return inner_.pool_marks(); }
  LoopStatusStore& loop_status() override { return inner_.loop_status(); }

 protected:
  Store& inner_;
};

}  // namespace cloudoptim::store
