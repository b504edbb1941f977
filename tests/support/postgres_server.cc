#include "support/postgres_server.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "support/process.h"

namespace cloudoptim::testing {
namespace {

// The newest server installed by Debian's postgresql package (/usr/lib/postgresql/<v>/bin).
std::string FindBinDir() {
  std::string best;
  int best_version = -1;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string version = entry.path().filename().string();
    const int number = std::atoi(version.c_str());
    if (number > best_version && std::filesystem::exists(entry.path() / "bin" / "initdb")) {
      best_version = number;
      best = (entry.path() / "bin").string();
    }
  }
  return best;
}

// Where server directories go: /dev/shm when it is a roomy tmpfs (copying a data directory
// there takes 0.3 s instead of several on a busy disk), the temporary directory otherwise
// (Docker's default /dev/shm is 64 MB, too small).
std::string BaseDirectory() {
  struct statvfs fs {};
  constexpr unsigned long long kNeededBytes = 1ULL << 30;
  if (statvfs("/dev/shm", &fs) == 0 && access("/dev/shm", W_OK) == 0 &&
      static_cast<unsigned long long>(fs.f_bavail) * fs.f_frsize >= kNeededBytes) {
    return "/dev/shm";
  }
  return std::filesystem::temp_directory_path().string();
}

// Commands run as the `postgres` user when we are root; as ourselves otherwise.
std::vector<std::string> AsServerUser(std::vector<std::string> argv) {
  if (geteuid() == 0) argv.insert(argv.begin(), {"runuser", "-u", "postgres", "--"});
  return argv;
}

bool ChownToServerUser(const std::string& path, std::string* error) {
  if (geteuid() != 0) return true;
  const passwd* user = getpwnam("postgres");
  if (user == nullptr) {
    *error = "running as root but there is no `postgres` user (install Debian's postgresql)";
    return false;
  }
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
    if (chown(entry.path().c_str(), user->pw_uid, user->pw_gid) != 0) return false;
  }
  if (chown(path.c_str(), user->pw_uid, user->pw_gid) != 0) {
    *error = "cannot chown " + path + " to postgres";
    return false;
  }
  return true;
}

// initdb takes seconds and ctest runs every case in its own process, so the first process
// initialises a template data directory (under a file lock) and every server starts from a
// copy of it. A template is used only once its `ready` marker exists, so an interrupted
// initdb is redone rather than copied.
bool EnsureTemplate(const std::string& bin_dir, const std::string& template_dir,
                    std::string* error) {
  const std::string lock_path = template_dir + ".lock";
  const int lock = open(lock_path.c_str(), O_CREAT | O_RDWR, 0644);
  if (lock < 0 || flock(lock, LOCK_EX) != 0) {
    *error = "cannot lock " + lock_path;
    if (lock >= 0) close(lock);
    return false;
  }
  bool ok = true;
  if (!std::filesystem::exists(template_dir + "/ready")) {
    std::error_code ec;
    std::filesystem::remove_all(template_dir, ec);
    std::filesystem::create_directories(template_dir);
    {
      std::ofstream pwfile(template_dir + "/pwfile");
      pwfile << PostgresServer::kPassword << "\n";
    }
    ok = ChownToServerUser(template_dir, error);
    // SCRAM for every connection, so a wrong password is really refused; no fsync, since the
    // data is thrown away.
    CommandResult init =
        ok ? RunCommand(
                 AsServerUser({bin_dir + "/initdb", "-D", template_dir + "/data", "-U",
                               PostgresServer::kUser, "--pwfile=" + template_dir + "/pwfile", "-A",
                               "scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"}),
                 {}, std::chrono::seconds(120))
           : CommandResult{};
    if (ok && init.exit_code != 0) {
      *error = "initdb failed (exit " + std::to_string(init.exit_code) + "):\n" + init.output;
      ok = false;
    }
    if (ok) std::ofstream(template_dir + "/ready") << "ok\n";
  }
  flock(lock, LOCK_UN);
  close(lock);
  return ok;
}

}  // namespace

std::unique_ptr<PostgresServer> PostgresServer::Start(std::string* error) {
  std::unique_ptr<PostgresServer> server(new PostgresServer());
  if (!server->Initialise(error)) return nullptr;
  if (!server->StartOnFreePort(error)) {
    // Whatever broke may be in the cached template: the next run initialises a fresh one.
    std::error_code ec;
    std::filesystem::remove(server->template_dir_ + "/ready", ec);
    return nullptr;
  }
  return server;
}

bool PostgresServer::Initialise(std::string* error) {
  bin_dir_ = FindBinDir();
  if (bin_dir_.empty()) {
    *error = "no PostgreSQL server under /usr/lib/postgresql (Debian package postgresql)";
    return false;
  }
  const std::string version = std::filesystem::path(bin_dir_).parent_path().filename().string();
  const std::string base = BaseDirectory();
  template_dir_ = base + "/co-postgres-template-" + version + "-uid" + std::to_string(geteuid());
  const std::string& template_dir = template_dir_;
  if (!EnsureTemplate(bin_dir_, template_dir, error)) return false;
  std::string pattern = base + "/co-postgres-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    *error = "cannot create a directory under " + base;
    return false;
  }
  root_dir_ = pattern;
  if (!ChownToServerUser(root_dir_, error)) return false;
  CommandResult copy =
      RunCommand(AsServerUser({"cp", "-a", template_dir + "/data", root_dir_ + "/data"}), {},
                 std::chrono::seconds(120));
  if (copy.exit_code != 0) {
    *error = "copying the template data directory failed:\n" + copy.output;
    return false;
  }
  return true;
}

bool PostgresServer::StartOnFreePort(std::string* error) {
  std::string attempts;
  for (int attempt = 0; attempt < 3; ++attempt) {
    port_ = FreeLoopbackPort();
    const std::string options = "-p " + std::to_string(port_) + " -k " + root_dir_ +
                                " -c listen_addresses=127.0.0.1 -c fsync=off"
                                " -c synchronous_commit=off -c full_page_writes=off"
                                " -c max_connections=50";
    CommandResult start = RunCommand(
        AsServerUser({bin_dir_ + "/pg_ctl", "-D", root_dir_ + "/data", "-l",
                      root_dir_ + "/server.log", "-w", "-t", "60", "-o", options, "start"}),
        {}, std::chrono::seconds(90));
    if (start.exit_code == 0 && WaitForPort(port_, std::chrono::seconds(10))) {
      running_ = true;
      return true;
    }
    attempts += "pg_ctl start on port " + std::to_string(port_) + " failed (exit " +
                std::to_string(start.exit_code) + "):\n" + start.output + "\n";
  }
  *error = attempts + "server log:\n" + Log();
  return false;
}

PostgresServer::~PostgresServer() {
  if (running_) {
    RunCommand(
        AsServerUser({bin_dir_ + "/pg_ctl", "-D", root_dir_ + "/data", "-m", "fast", "-w", "stop"}),
        {}, std::chrono::seconds(60));
  }
  if (!root_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(root_dir_, ec);
  }
}

std::string PostgresServer::Url(const std::string& database) const {
  return UrlWithPassword(database, kPassword);
}

std::string PostgresServer::UrlWithPassword(const std::string& database,
                                            const std::string& password) const {
  return std::string("postgres://") + kUser + ":" + password +
         "@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

bool PostgresServer::CreateDatabase(const std::string& name, std::string* error) const {
  CommandResult created = RunCommand({bin_dir_ + "/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h",
                                      "127.0.0.1", "-p", std::to_string(port_), "-U", kUser, "-d",
                                      "postgres", "-c", "CREATE DATABASE \"" + name + "\""},
                                     {{"PGPASSWORD", kPassword}}, std::chrono::seconds(60));
  if (created.exit_code != 0) {
    *error = "CREATE DATABASE " + name + " failed:\n" + created.output + "\nserver log:\n" + Log();
    return false;
  }
  return true;
}

std::string PostgresServer::Log() const { return ReadFileOrEmpty(root_dir_ + "/server.log"); }

}  // namespace cloudoptim::testing
