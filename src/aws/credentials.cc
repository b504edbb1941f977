#include "aws/credentials.h"

namespace cloudoptim::aws {

CachingCredentialsProvider::CachingCredentialsProvider(Clock& clock, Fetch fetch,
                                                       Duration refresh_before)
    : clock_(clock), fetch_(std::move(fetch)), refresh_before_(refresh_before) {}

Result<AwsCredentials> CachingCredentialsProvider::Get() {
  std::lock_guard lock(mutex_);
  const bool fresh = cached_.has_value() && (!cached_->expiration ||
                                             clock_.Now() + refresh_before_ < *cached_->expiration);
  if (fresh) return *cached_;
  ++fetch_count_;
  Result<AwsCredentials> fetched = fetch_();
  if (!fetched) {
    cached_.reset();
    return fetched;
  }
  cached_ = *fetched;
  return fetched;
}

}  // namespace cloudoptim::aws
