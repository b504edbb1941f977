// AWS credentials and the providers that produce them: fixed keys (environment, a profile's
// keys) and cached sessions refreshed before they expire (assumed roles, web identity).
//
//   StaticCredentialsProvider keys({.access_key_id = "AKID", .secret_access_key = "..."});
//   CachingCredentialsProvider session(clock, [&] { return sts.AssumeRole(arn, ext_id); });
//   Result<AwsCredentials> c = session.Get();   // fetched once, refreshed 5 min before expiry
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/error.h"

namespace cloudoptim::aws {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;            // empty for long-term keys
  std::optional<TimePoint> expiration;  // set for sessions
  std::string source;                   // where they came from, for messages: "environment"
};

// Contract: Get() returns credentials usable for at least a few minutes, or an error naming
// where it looked (Unauthenticated when none are configured). Thread-safe.
class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  virtual Result<AwsCredentials> Get() = 0;
};

class StaticCredentialsProvider final : public CredentialsProvider {
 public:
  explicit StaticCredentialsProvider(AwsCredentials credentials)
      : credentials_(std::move(credentials)) {}
  Result<AwsCredentials> Get() override { return credentials_; }

 private:
  AwsCredentials credentials_;
};

// Wraps a fetch of temporary credentials (STS). The session is kept until `refresh_before`
// ahead of its expiration, then fetched again; a failed refresh is returned as the error
// (the old session is not used past its refresh point, so callers see problems early).
class CachingCredentialsProvider final : public CredentialsProvider {
 public:
  using Fetch = std::function<Result<AwsCredentials>()>;
  CachingCredentialsProvider(Clock& clock, Fetch fetch,
                             Duration refresh_before = std::chrono::minutes(5));
  Result<AwsCredentials> Get() override;
  int fetch_count() const { return fetch_count_; }

 private:
  Clock& clock_;
  Fetch fetch_;
  Duration refresh_before_;
  std::mutex mutex_;
  std::optional<AwsCredentials> cached_;
  int fetch_count_ = 0;
};

}  // namespace cloudoptim::aws
