// Test support: a real, throwaway PostgreSQL server. initdb into a temporary directory, start
// on a free loopback port with password (SCRAM) authentication, create databases, and stop
// and delete everything at the end. PostgreSQL refuses to run as root, so when the tests run
// as root (CI) the server runs as the `postgres` user of the Debian package. initdb runs once
// per machine into <base>/co-postgres-template-<version>-uid<uid> (a cache, under a file
// lock); each server starts from a copy of it in its own directory <base>/co-postgres-XXXXXX.
// <base> is /dev/shm when it is a large tmpfs, $TMPDIR (or /tmp) otherwise.
//
//   std::string error;
//   auto server = PostgresServer::Start(&error);
//   ASSERT_NE(server, nullptr) << error;                  // error carries the server's log
//   ASSERT_TRUE(server->CreateDatabase("suite_1", &error)) << error;
//   std::string url = server->Url("suite_1");             //
//   postgres://cloudoptim:...@127.0.0.1:port/suite_1
#pragma once

#include <memory>
#include <string>

namespace cloudoptim::testing {

class PostgresServer {
 public:
  static constexpr const char* kUser = "cloudoptim";
  static constexpr const char* kPassword = "suite-password-7f3a";

  // Starts a server, retrying on another port if the first was taken meanwhile. On failure
  // returns null and fills `error` with what failed and the server's log.
  static std::unique_ptr<PostgresServer> Start(std::string* error);
  // Stops the server (fast shutdown) and deletes its directory.
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  int port() const { return port_; }
  // A connection URL for `database` with the suite's user and password.
  std::string Url(const std::string& database) const;
  std::string UrlWithPassword(const std::string& database, const std::string& password) const;
  // CREATE DATABASE through psql; false with psql's output in `error` on failure.
  bool CreateDatabase(const std::string& name, std::string* error) const;
  std::string Log() const;

 private:
  PostgresServer() = default;
  bool Initialise(std::string* error);
  bool StartOnFreePort(std::string* error);

  std::string bin_dir_;       // /usr/lib/postgresql/<version>/bin
  std::string template_dir_;  // initdb'd once, copied per server
  std::string root_dir_;      // this server's directory, owned by the server's user
  int port_ = 0;
  bool running_ = false;
};

}  // namespace cloudoptim::testing
