#include "cloudsim/aws_wire_encoding.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace cloudoptim {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

// An AWS error code at the start of a message: "InvalidVolume.NotFound: ...".
bool SplitCodePrefix(std::string_view message, std::string* code, std::string* rest) {
  const size_t colon = message.find(": ");
  if (colon == std::string_view::npos || colon == 0) return false;
  const std::string_view candidate = message.substr(0, colon);
  if (!std::isupper(static_cast<unsigned char>(candidate.front()))) return false;
  for (char c : candidate) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.') return false;
  }
  *code = std::string(candidate);
  *rest = std::string(message.substr(colon + 2));
  return true;
}

}  // namespace

std::string WireRequest::Header(std::string_view name) const {
  auto it = headers.find(std::string(name));
  return it == headers.end() ? std::string() : it->second;
}

std::string UrlDecodeComponent(std::string_view text, bool* ok) {
  std::string out;
  out.reserve(text.size());
  *ok = true;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%') {
      const int high = i + 1 < text.size() ? HexValue(text[i + 1]) : -1;
      const int low = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
      if (high < 0 || low < 0) {
        *ok = false;
        return out;
      }
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

Result<FormParams> FormParams::Decode(std::string_view text) {
  FormParams params;
  if (text.empty()) return params;
  for (std::string_view pair : Split(text, '&')) {
    if (pair.empty()) continue;
    const size_t equals = pair.find('=');
    bool key_ok = true;
    bool value_ok = true;
    std::string key = UrlDecodeComponent(pair.substr(0, equals), &key_ok);
    std::string value = equals == std::string_view::npos
                            ? std::string()
                            : UrlDecodeComponent(pair.substr(equals + 1), &value_ok);
    if (!key_ok || !value_ok) {
      return InvalidArgument("InvalidParameterValue: malformed percent-encoding in form field '" +
                             std::string(pair.substr(0, 64)) + "'");
    }
    params.values_[std::move(key)] = std::move(value);
  }
  return params;
}

std::optional<std::string> FormParams::Get(std::string_view key) const {
  auto it = values_.find(key);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string FormParams::GetOr(std::string_view key, std::string_view fallback) const {
  auto it = values_.find(key);
  return it == values_.end() ? std::string(fallback) : it->second;
}

std::vector<int> FormParams::Indices(std::string_view prefix) const {
  std::vector<int> indices;
  const std::string start = std::string(prefix) + ".";
  for (auto it = values_.lower_bound(start); it != values_.end(); ++it) {
    std::string_view key = it->first;
    if (!key.starts_with(start)) break;
    key.remove_prefix(start.size());
    int index = 0;
    auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), index);
    if (ec != std::errc() || index < 1) continue;
    if (end != key.data() + key.size() && *end != '.') continue;
    indices.push_back(index);
  }
  std::sort(indices.begin(), indices.end());
  indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
  return indices;
}

std::vector<std::string> FormParams::List(std::string_view prefix) const {
  std::vector<std::string> values;
  for (int index : Indices(prefix)) {
    if (auto value = Get(std::string(prefix) + "." + std::to_string(index))) {
      values.push_back(*value);
    }
  }
  return values;
}

Result<std::optional<int64_t>> FormParams::GetInt(std::string_view key) const {
  auto text = Get(key);
  if (!text) return std::optional<int64_t>();
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size()) {
    return InvalidArgument("InvalidParameterValue: Invalid value '" + *text + "' for " +
                           std::string(key) + ": not an integer");
  }
  return std::optional<int64_t>(value);
}

Result<bool> FormParams::GetBool(std::string_view key) const {
  auto text = Get(key);
  if (!text || *text == "false") return false;
  if (*text == "true") return true;
  return InvalidArgument("InvalidParameterValue: Invalid value '" + *text + "' for " +
                         std::string(key) + ": expected true or false");
}

// Length of the well-formed UTF-8 sequence at text[i], or 0 when it is not one.
static size_t Utf8SequenceLength(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  size_t length = lead < 0x80           ? 1
                  : (lead >> 5) == 0x6  ? 2
                  : (lead >> 4) == 0xe  ? 3
                  : (lead >> 3) == 0x1e ? 4
                                        : 0;
  if (length == 0 || i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
  }
  return length;
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (static_cast<unsigned char>(c) >= 0x80) {
      // XML must be UTF-8; text echoed from a request may not be. Replace what is not.
      const size_t length = Utf8SequenceLength(text, i);
      if (length == 0) {
        out += "\xEF\xBF\xBD";
      } else {
        out.append(text.substr(i, length));
        i += length - 1;
      }
      continue;
    }
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // XML 1.0 forbids most control characters even escaped; drop them.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') break;
        out.push_back(c);
    }
  }
  return out;
}

XmlWriter::XmlWriter() : out_("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n") {}

XmlWriter& XmlWriter::Open(std::string_view name, std::string_view xmlns) {
  out_ += "<";
  out_ += name;
  if (!xmlns.empty()) {
    out_ += " xmlns=\"";
    out_ += XmlEscape(xmlns);
    out_ += "\"";
  }
  out_ += ">";
  open_.emplace_back(name);
  return *this;
}

XmlWriter& XmlWriter::Close() {
  if (open_.empty()) return *this;
  out_ += "</" + open_.back() + ">";
  open_.pop_back();
  return *this;
}

XmlWriter& XmlWriter::Leaf(std::string_view name, std::string_view text) {
  out_ += "<";
  out_ += name;
  out_ += ">";
  out_ += XmlEscape(text);
  out_ += "</";
  out_ += name;
  out_ += ">";
  return *this;
}

XmlWriter& XmlWriter::Leaf(std::string_view name, int64_t value) {
  return Leaf(name, std::to_string(value));
}

XmlWriter& XmlWriter::Bool(std::string_view name, bool value) {
  return Leaf(name, value ? "true" : "false");
}

std::string XmlWriter::Finish() {
  while (!open_.empty()) Close();
  return std::move(out_);
}

AwsError ToAwsError(const Error& error) {
  AwsError aws;
  if (!SplitCodePrefix(error.message, &aws.code, &aws.message)) {
    aws.message = error.message;
    switch (error.code) {
      case ErrorCode::kInvalidArgument:
        aws.code = "InvalidParameterValue";
        break;
      case ErrorCode::kNotFound:
        aws.code = "InvalidParameterValue";
        break;
      case ErrorCode::kFailedPrecondition:
        aws.code = "IncorrectState";
        break;
      case ErrorCode::kUnimplemented:
        aws.code = "InvalidAction";
        break;
      case ErrorCode::kUnauthenticated:
        aws.code = "AuthFailure";
        break;
      case ErrorCode::kPermissionDenied:
        aws.code = "UnauthorizedOperation";
        break;
      case ErrorCode::kResourceExhausted:
        aws.code = "RequestLimitExceeded";
        break;
      case ErrorCode::kUnavailable:
        aws.code = "Unavailable";
        break;
      default:
        aws.code = "InternalError";
        break;
    }
  }
  switch (error.code) {
    case ErrorCode::kUnauthenticated:
      aws.http_status = 401;
      break;
    case ErrorCode::kPermissionDenied:
      aws.http_status = 403;
      break;
    case ErrorCode::kUnavailable:
      aws.http_status = 503;
      break;
    case ErrorCode::kInternal:
    case ErrorCode::kUnknown:
      aws.http_status = 500;
      break;
    default:
      aws.http_status = 400;
      break;
  }
  return aws;
}

WireResponse Ec2ErrorResponse(const AwsError& error, std::string_view request_id) {
  XmlWriter xml;
  xml.Open("Response").Open("Errors").Open("Error");
  xml.Leaf("Code", error.code).Leaf("Message", error.message).Close().Close();
  xml.Leaf("RequestID", request_id);
  return {
      .status = error.http_status, .content_type = "text/xml;charset=UTF-8", .body = xml.Finish()};
}

WireResponse QueryErrorResponse(const AwsError& error, std::string_view xmlns,
                                std::string_view request_id) {
  XmlWriter xml;
  xml.Open("ErrorResponse", xmlns).Open("Error");
  xml.Leaf("Type", error.http_status >= 500 ? "Receiver" : "Sender");
  xml.Leaf("Code", error.code).Leaf("Message", error.message).Close();
  xml.Leaf("RequestId", request_id);
  return {.status = error.http_status, .content_type = "text/xml", .body = xml.Finish()};
}

// Checks the shape of the header, field by field, so that a client with a broken signer gets
// a message saying which part is wrong (what AWS's IncompleteSignature errors do).
Result<SigV4Authorization> ParseSigV4Authorization(std::string_view header) {
  header = Trim(header);
  if (header.empty()) {
    return Unauthenticated("MissingAuthenticationToken: Request is missing Authentication Token");
  }
  constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256 ";
  if (!header.starts_with(kAlgorithm)) {
    return Unauthenticated("IncompleteSignature: Authorization header must start with " +
                           std::string(Trim(kAlgorithm)));
  }
  header.remove_prefix(kAlgorithm.size());
  std::map<std::string, std::string, std::less<>> fields;
  for (std::string_view part : Split(header, ',')) {
    part = Trim(part);
    const size_t equals = part.find('=');
    if (equals == std::string_view::npos) {
      return Unauthenticated("IncompleteSignature: Authorization component '" + std::string(part) +
                             "' is not key=value");
    }
    fields[std::string(part.substr(0, equals))] = std::string(part.substr(equals + 1));
  }
  for (std::string_view required : {"Credential", "SignedHeaders", "Signature"}) {
    if (!fields.contains(required)) {
      return Unauthenticated("IncompleteSignature: Authorization header requires '" +
                             std::string(required) + "' parameter");
    }
  }
  SigV4Authorization auth;
  const auto scope = Split(fields["Credential"], '/');
  if (scope.size() != 5 || scope[0].empty() || scope[1].size() != 8 ||
      !std::all_of(scope[1].begin(), scope[1].end(), ::isdigit) || scope[2].empty() ||
      scope[3].empty() || scope[4] != "aws4_request") {
    return Unauthenticated("IncompleteSignature: Credential '" + fields["Credential"] +
                           "' is not ACCESS_KEY/yyyymmdd/region/service/aws4_request");
  }
  auth.access_key_id = std::string(scope[0]);
  auth.date = std::string(scope[1]);
  auth.region = std::string(scope[2]);
  auth.service = std::string(scope[3]);
  for (std::string_view name : Split(fields["SignedHeaders"], ';')) {
    if (name.empty()) {
      return Unauthenticated("IncompleteSignature: SignedHeaders '" + fields["SignedHeaders"] +
                             "' has an empty header name");
    }
    auth.signed_headers.emplace_back(name);
  }
  auth.signature = fields["Signature"];
  if (auth.signature.size() != 64 || !std::all_of(auth.signature.begin(), auth.signature.end(),
                                                  [](char c) { return HexValue(c) >= 0; })) {
    return Unauthenticated("IncompleteSignature: Signature must be 64 hexadecimal characters");
  }
  return auth;
}

std::string Md5Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_md5(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  return hex;
}

}  // namespace cloudoptim
