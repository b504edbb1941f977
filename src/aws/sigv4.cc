#include "aws/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <vector>

namespace cloudoptim::aws {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

std::string Hex(const unsigned char* data, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(size * 2, '0');
  for (size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0xf];
  }
  return out;
}

std::string Hmac(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &size);
  return std::string(reinterpret_cast<char*>(digest), size);
}

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

std::string_view TrimSpacesAndTabs(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Header values are trimmed and runs of spaces collapse to one, as SigV4 specifies.
std::string CanonicalHeaderValue(std::string_view value) {
  std::string out;
  bool in_space = false;
  for (char c : TrimSpacesAndTabs(value)) {
    if (c == ' ' || c == '\t') {
      if (!in_space) out += ' ';
      in_space = true;
    } else {
      out += c;
      in_space = false;
    }
  }
  return out;
}

// Non-S3 services want the path with "." and ".." segments resolved and empty segments
// dropped, then each segment URI-encoded. A trailing slash is kept.
std::string CanonicalUri(std::string_view path) {
  if (path.empty()) return "/";
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  const bool trailing_slash = path.back() == '/' && !segments.empty();
  std::string out;
  for (std::string_view segment : segments) out += "/" + UriEncode(segment);
  if (out.empty() || trailing_slash) out += "/";
  return out;
}

// Parameters are decoded, re-encoded strictly and sorted by name, then value.
std::string CanonicalQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  size_t start = 0;
  while (start < query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    std::string_view pair = query.substr(start, end - start);
    if (!pair.empty()) {
      const size_t eq = pair.find('=');
      std::string_view name = pair.substr(0, eq);
      std::string_view value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
      params.emplace_back(UriEncode(UriDecode(name)), UriEncode(UriDecode(value)));
    }
    start = end + 1;
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    out += name + "=" + value;
  }
  return out;
}

struct UrlParts {
  std::string host;  // with ":port" when not the scheme's default
  std::string path;
  std::string query;
};

Result<UrlParts> SplitUrl(std::string_view url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return InvalidArgument("cannot sign request: URL \"" + std::string(url) + "\" has no scheme");
  }
  std::string_view scheme = url.substr(0, scheme_end);
  std::string_view rest = url.substr(scheme_end + 3);
  const size_t path_start = rest.find_first_of("/?");
  UrlParts parts;
  parts.host = std::string(rest.substr(0, path_start));
  if ((scheme == "https" && parts.host.ends_with(":443")) ||
      (scheme == "http" && parts.host.ends_with(":80"))) {
    parts.host.erase(parts.host.rfind(':'));
  }
  if (parts.host.empty()) {
    return InvalidArgument("cannot sign request: URL \"" + std::string(url) + "\" has no host");
  }
  std::string_view tail = path_start == std::string_view::npos ? "" : rest.substr(path_start);
  const size_t question = tail.find('?');
  parts.path = std::string(tail.substr(0, question));
  if (question != std::string_view::npos) parts.query = std::string(tail.substr(question + 1));
  return parts;
}

}  // namespace

std::string UriEncode(std::string_view text, bool keep_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3 / 2);
  for (unsigned char c : text) {
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kDigits[c >> 4];
      out += kDigits[c & 0xf];
    }
  }
  return out;
}

std::string UriDecode(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr);
  return Hex(digest, size);
}

std::string FormatAmzDate(TimePoint t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[20];
  std::strftime(buffer, sizeof(buffer), "%Y%m%dT%H%M%SZ", &utc);
  return buffer;
}

SigV4Signer::SigV4Signer(std::string region, std::string service)
    : region_(std::move(region)), service_(std::move(service)) {}

std::string SigV4Signer::SigningKey(const std::string& secret, std::string_view date) const {
  std::lock_guard lock(key_mutex_);
  if (cached_key_secret_ == secret && cached_key_date_ == date && !cached_key_.empty()) {
    return cached_key_;
  }
  std::string key = Hmac("AWS4" + secret, date);
  key = Hmac(key, region_);
  key = Hmac(key, service_);
  key = Hmac(key, "aws4_request");
  cached_key_secret_ = secret;
  cached_key_date_ = std::string(date);
  cached_key_ = key;
  return key;
}

SigningSteps SigV4Signer::Compute(std::string_view method, std::string_view path,
                                  std::string_view query, const HttpHeaders& headers,
                                  std::string_view body, const AwsCredentials& credentials,
                                  std::string_view amz_date) const {
  // Same-named headers join with commas in the order sent; names sort by their lowercase form.
  std::map<std::string, std::string> canonical_headers;
  for (const auto& [name, value] : headers.fields()) {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    if (lower == "authorization" || lower == "user-agent" || lower == "expect") continue;
    auto [it, inserted] = canonical_headers.try_emplace(lower, CanonicalHeaderValue(value));
    if (!inserted) it->second += "," + CanonicalHeaderValue(value);
  }
  std::string header_block;
  std::string signed_headers;
  for (const auto& [name, value] : canonical_headers) {
    header_block += name + ":" + value + "\n";
    if (!signed_headers.empty()) signed_headers += ';';
    signed_headers += name;
  }
  SigningSteps steps;
  steps.canonical_request = std::string(method) + "\n" + CanonicalUri(path) + "\n" +
                            CanonicalQuery(query) + "\n" + header_block + "\n" + signed_headers +
                            "\n" + Sha256Hex(body);
  const std::string_view date = amz_date.substr(0, 8);
  const std::string scope = std::string(date) + "/" + region_ + "/" + service_ + "/aws4_request";
  steps.string_to_sign = std::string(kAlgorithm) + "\n" + std::string(amz_date) + "\n" + scope +
                         "\n" + Sha256Hex(steps.canonical_request);
  const std::string key = SigningKey(credentials.secret_access_key, date);
  const std::string signature = Hmac(key, steps.string_to_sign);
  steps.authorization =
      std::string(kAlgorithm) + " Credential=" + credentials.access_key_id + "/" + scope +
      ", SignedHeaders=" + signed_headers + ", Signature=" +
      Hex(reinterpret_cast<const unsigned char*>(signature.data()), signature.size());
  return steps;
}

Status SigV4Signer::Sign(HttpRequest& request, const AwsCredentials& credentials,
                         TimePoint now) const {
  CO_ASSIGN_OR_RETURN(UrlParts url, SplitUrl(request.url));
  if (!request.headers.Has("Host")) request.headers.Set("Host", url.host);
  const std::string amz_date = FormatAmzDate(now);
  request.headers.Set("X-Amz-Date", amz_date);
  if (!credentials.session_token.empty()) {
    request.headers.Set("X-Amz-Security-Token", credentials.session_token);
  }
  request.headers.Remove("Authorization");
  SigningSteps steps = Compute(request.method, url.path, url.query, request.headers, request.body,
                               credentials, amz_date);
  request.headers.Set("Authorization", std::move(steps.authorization));
  return Ok();
}

}  // namespace cloudoptim::aws
