#include "net/curl_http_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

namespace cloudoptim {
namespace {

// Runs an httplib server (plain or TLS) on a free loopback port for one test.
class LocalServer {
 public:
  explicit LocalServer(std::unique_ptr<httplib::Server> server) : server_(std::move(server)) {
    port_ = server_->bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ~LocalServer() {
    server_->stop();
    thread_.join();
  }
  httplib::Server& server() { return *server_; }
  std::string Url(const std::string& scheme, const std::string& path) const {
    return scheme + "://127.0.0.1:" + std::to_string(port_) + path;
  }
  int port() const { return port_; }

 private:
  std::unique_ptr<httplib::Server> server_;
  int port_ = 0;
  std::thread thread_;
};

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(MapCurlErrorTest, MapsTheFailureClassesOnce) {
  EXPECT_EQ(MapCurlError(7, "GET", "http://x", "refused").code, ErrorCode::kUnavailable);
  EXPECT_EQ(MapCurlError(6, "GET", "http://x", "").code, ErrorCode::kUnavailable);
  EXPECT_EQ(MapCurlError(28, "GET", "http://x", "").code, ErrorCode::kDeadlineExceeded);
  EXPECT_EQ(MapCurlError(42, "GET", "http://x", "").code, ErrorCode::kCancelled);
  EXPECT_EQ(MapCurlError(3, "GET", "x", "").code, ErrorCode::kInvalidArgument);
  Error untrusted = MapCurlError(60, "GET", "https://x", "unable to get local issuer");
  EXPECT_EQ(untrusted.code, ErrorCode::kUnavailable);
  EXPECT_NE(untrusted.message.find("not trusted by the configured CA"), std::string::npos);
}

// Failures before the request is written (refused, unresolvable, untrusted, unusable URL)
// changed nothing; a timeout, a reset or an empty reply may have come after the server got it.
TEST(MapCurlErrorTest, TellsFailuresBeforeSendingFromThoseAfter) {
  for (int before : {3, 6, 7, 60}) {
    EXPECT_TRUE(RequestNeverSent(MapCurlError(before, "PUT", "http://x", "d"))) << before;
  }
  for (int after : {28, 52, 56}) {
    EXPECT_FALSE(RequestNeverSent(MapCurlError(after, "PUT", "http://x", "d"))) << after;
  }
  EXPECT_FALSE(RequestNeverSent(Error{ErrorCode::kUnavailable, "HTTP 503"}));
}

TEST(CurlHttpClientTest, SendsMethodHeadersAndBodyAndReadsTheResponse) {
  LocalServer local(std::make_unique<httplib::Server>());
  local.server().Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
    res.set_header("X-Seen-Token", req.get_header_value("X-Token"));
    res.set_content("got " + req.body, "text/plain");
    res.status = 201;
  });
  CurlHttpClient http;
  HttpRequest request{.method = "POST", .url = local.Url("http", "/echo"), .body = "a=1&b=2"};
  request.headers.Set("X-Token", "secret");
  request.headers.Set("Content-Type", "application/x-www-form-urlencoded");
  Result<HttpResponse> r = http.Send(request);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, "got a=1&b=2");
  EXPECT_EQ(r->headers.Get("x-seen-token"), "secret");
  EXPECT_EQ(r->headers.Get("CONTENT-TYPE"), "text/plain");
}

TEST(CurlHttpClientTest, ReturnsErrorStatusesAsValuesAndSupportsOtherMethods) {
  LocalServer local(std::make_unique<httplib::Server>());
  local.server().Patch("/thing", [](const httplib::Request& req, httplib::Response& res) {
    res.status = 409;
    res.set_content(req.method + ":" + req.body, "text/plain");
  });
  CurlHttpClient http;
  Result<HttpResponse> r =
      http.Send({.method = "PATCH", .url = local.Url("http", "/thing"), .body = "{}"});
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->status, 409);
  EXPECT_EQ(r->body, "PATCH:{}");
  Error mapped = ErrorFromHttpStatus({.method = "PATCH", .url = "u"}, *r);
  EXPECT_EQ(mapped.code, ErrorCode::kAborted);
  EXPECT_NE(mapped.message.find("HTTP 409"), std::string::npos);
}

TEST(CurlHttpClientTest, ReusesTheConnectionForSequentialRequests) {
  LocalServer local(std::make_unique<httplib::Server>());
  local.server().Get("/port", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(std::to_string(req.remote_port), "text/plain");
  });
  CurlHttpClient http;
  Result<HttpResponse> first = http.Send({.url = local.Url("http", "/port")});
  Result<HttpResponse> second = http.Send({.url = local.Url("http", "/port")});
  ASSERT_TRUE(first.has_value() && second.has_value());
  EXPECT_EQ(first->body, second->body) << "the second request opened a new connection";
}

TEST(CurlHttpClientTest, ConnectionRefusedIsUnavailableNamingTheUrl) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);  // nothing listens there now
  const std::string url = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/x";
  CurlHttpClient http;
  Result<HttpResponse> r = http.Send({.url = url});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(r.error().message.find(url), std::string::npos);
  EXPECT_NE(r.error().message.find("cannot connect"), std::string::npos);
}

TEST(CurlHttpClientTest, SlowServerIsDeadlineExceeded) {
  // The server answers only once the client has given up (or after a minute), not after a
  // fixed pause: a client thread descheduled past that pause on a loaded machine could
  // otherwise find the answer there when it wakes.
  std::mutex mutex;
  std::condition_variable gave_up_changed;
  bool gave_up = false;
  LocalServer local(std::make_unique<httplib::Server>());
  local.server().Get("/slow", [&](const httplib::Request&, httplib::Response& res) {
    std::unique_lock lock(mutex);
    gave_up_changed.wait_for(lock, std::chrono::seconds(60), [&] { return gave_up; });
    res.set_content("late", "text/plain");
  });
  CurlHttpClient http;
  Result<HttpResponse> r =
      http.Send({.url = local.Url("http", "/slow"), .timeout = std::chrono::milliseconds(100)});
  {
    std::lock_guard lock(mutex);
    gave_up = true;
  }
  gave_up_changed.notify_all();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kDeadlineExceeded);
}

void ServeChunks(httplib::Server& server, int chunk_count) {
  server.Get("/watch", [chunk_count](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("application/json",
                                     [chunk_count](size_t, httplib::DataSink& sink) {
                                       for (int i = 0; chunk_count < 0 || i < chunk_count; ++i) {
                                         std::string line = "{\"n\":" + std::to_string(i) + "}\n";
                                         if (!sink.write(line.data(), line.size())) return false;
                                         std::this_thread::sleep_for(std::chrono::milliseconds(20));
                                       }
                                       sink.done();
                                       return true;
                                     });
  });
}

TEST(CurlHttpClientTest, StreamsTheBodyInChunks) {
  LocalServer local(std::make_unique<httplib::Server>());
  ServeChunks(local.server(), 3);
  CurlHttpClient http;
  std::string received;
  Result<HttpResponse> r =
      http.SendStreaming({.url = local.Url("http", "/watch")}, [&](std::string_view chunk) {
        received.append(chunk);
        return true;
      });
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(r->body.empty());
  EXPECT_EQ(received, "{\"n\":0}\n{\"n\":1}\n{\"n\":2}\n");
}

TEST(CurlHttpClientTest, AnEndlessStreamStopsWhenTheReceiverSaysSo) {
  LocalServer local(std::make_unique<httplib::Server>());
  ServeChunks(local.server(), -1);
  CurlHttpClient http;
  int chunks = 0;
  Result<HttpResponse> r = http.SendStreaming({.url = local.Url("http", "/watch")},
                                              [&](std::string_view) { return ++chunks < 2; });
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kCancelled);
  EXPECT_EQ(chunks, 2);
}

TEST(CurlHttpClientTest, AnEndlessStreamStopsWhenTheCancelFlagIsSet) {
  LocalServer local(std::make_unique<httplib::Server>());
  ServeChunks(local.server(), -1);
  CurlHttpClient http;
  std::atomic<bool> cancelled{false};
  Result<HttpResponse> r = http.SendStreaming({.url = local.Url("http", "/watch"),
                                               .timeout = std::chrono::milliseconds(0),
                                               .cancelled = &cancelled},
                                              [&](std::string_view) {
                                                cancelled = true;
                                                return true;
                                              });
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kCancelled);
}

// A CA, a server certificate valid only for "kubernetes.test", a client certificate, and an
// unrelated CA, made with the openssl command line in a temporary directory.
class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::filesystem::temp_directory_path() / ("co-net-tls-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    const std::string d = dir_.string();
    const std::string key = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes ";
    std::ofstream(dir_ / "server.ext") << "subjectAltName=DNS:kubernetes.test\n";
    const std::string script =
        "cd " + d + " && openssl req -x509" + key +
        "-keyout ca.key -out ca.crt -days 2 -subj /CN=test-ca && openssl req -x509" + key +
        "-keyout other.key -out other.crt -days 2 -subj /CN=other-ca && openssl req" + key +
        "-keyout server.key -out server.csr -subj /CN=kubernetes.test && openssl x509 -req "
        "-in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 "
        "-extfile server.ext && openssl req" +
        key +
        "-keyout client.key -out client.csr -subj /CN=cloudoptim && openssl x509 -req -in "
        "client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out client.crt -days 2"
        " >/dev/null 2>&1";
    ASSERT_EQ(std::system(script.c_str()), 0) << "openssl failed in " << d;
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }

  static std::unique_ptr<httplib::Server> MakeServer(bool require_client_cert) {
    const std::string d = dir_.string();
    auto server = std::make_unique<httplib::SSLServer>(
        (d + "/server.crt").c_str(), (d + "/server.key").c_str(),
        require_client_cert ? (d + "/ca.crt").c_str() : nullptr);
    server->Get("/hello", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("hello over tls", "text/plain");
    });
    return server;
  }
  static std::string File(const std::string& name) { return ReadAll(dir_ / name); }

  static inline std::filesystem::path dir_;
};

TEST_F(TlsTest, TrustsTheConfiguredCaAndChecksTheServerName) {
  LocalServer local(MakeServer(false));
  CurlHttpClient http({.tls = {.ca_pem = File("ca.crt"), .server_name = "kubernetes.test"}});
  Result<HttpResponse> r = http.Send({.url = local.Url("https", "/hello")});
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->body, "hello over tls");

  // Without the server-name override the certificate does not match 127.0.0.1.
  CurlHttpClient no_override({.tls = {.ca_pem = File("ca.crt")}});
  EXPECT_FALSE(no_override.Send({.url = local.Url("https", "/hello")}).has_value());
}

TEST_F(TlsTest, AServerSignedByAnotherCaIsNotTrusted) {
  LocalServer local(MakeServer(false));
  CurlHttpClient http({.tls = {.ca_pem = File("other.crt"), .server_name = "kubernetes.test"}});
  Result<HttpResponse> r = http.Send({.url = local.Url("https", "/hello")});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(r.error().message.find("not trusted by the configured CA"), std::string::npos)
      << r.error().message;
}

TEST_F(TlsTest, InsecureSkipVerifyAcceptsAnyServer) {
  LocalServer local(MakeServer(false));
  CurlHttpClient http({.tls = {.insecure_skip_verify = true}});
  Result<HttpResponse> r = http.Send({.url = local.Url("https", "/hello")});
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->status, 200);
}

TEST_F(TlsTest, PresentsTheClientCertificateForMutualTls) {
  LocalServer local(MakeServer(true));
  const TlsOptions base{.ca_pem = File("ca.crt"), .server_name = "kubernetes.test"};
  CurlHttpClient anonymous({.tls = base});
  EXPECT_FALSE(anonymous.Send({.url = local.Url("https", "/hello")}).has_value());

  TlsOptions with_cert = base;
  with_cert.client_cert_pem = File("client.crt");
  with_cert.client_key_pem = File("client.key");
  CurlHttpClient http({.tls = with_cert});
  Result<HttpResponse> r = http.Send({.url = local.Url("https", "/hello")});
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->body, "hello over tls");
}

}  // namespace
}  // namespace cloudoptim
