#include "catalog/csv_file.h"

#include <charconv>
#include <fstream>
#include <optional>
#include <sstream>

namespace cloudoptim {

Result<CsvFile> CsvFile::Open(const std::string& path,
                              std::initializer_list<std::string_view> header) {
  std::ifstream stream(path, std::ios::binary);
  if (!stream) return NotFound("cannot read catalogue file " + path);
  CsvFile file;
  file.path_ = path;
  std::ostringstream buffer;
  buffer << stream.rdbuf();
  file.content_ = std::move(buffer).str();
  for (std::string_view name : header) file.header_.emplace_back(name);
  if (!file.Next()) {
    return InvalidArgument(path + ":1: empty file, expected a header row");
  }
  bool matches = file.fields_.size() == header.size();
  for (size_t i = 0; matches && i < header.size(); ++i) {
    matches = file.fields_[i] == file.header_[i];
  }
  if (!matches) {
    std::string expected;
    for (std::string_view name : header)
      expected += (expected.empty() ? "" : ",") + std::string(name);
    return InvalidArgument(path + ":1: header does not match, expected " + expected);
  }
  return file;
}

bool CsvFile::Next() {
  while (position_ < content_.size()) {
    size_t end = content_.find('\n', position_);
    if (end == std::string::npos) end = content_.size();
    std::string_view line(content_.data() + position_, end - position_);
    position_ = end + 1;
    ++line_number_;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    return SplitLine(line);
  }
  return false;
}

bool CsvFile::SplitLine(std::string_view line) {
  fields_.clear();
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    if (comma == std::string_view::npos) {
      fields_.push_back(line.substr(start));
      break;
    }
    fields_.push_back(line.substr(start, comma - start));
    start = comma + 1;
  }
  // The header row itself is read before header_ is known to match; only data rows are checked.
  if (line_number_ > 1 && fields_.size() != header_.size()) {
    status_ = InvalidArgument(path_ + ":" + std::to_string(line_number_) + ": " +
                              std::to_string(fields_.size()) + " fields, expected " +
                              std::to_string(header_.size()));
    return false;
  }
  return true;
}

Error CsvFile::FieldError(size_t column, std::string_view message) const {
  const std::string name = column < header_.size() ? header_[column] : std::to_string(column);
  return Error{ErrorCode::kInvalidArgument, path_ + ":" + std::to_string(line_number_) +
                                                ": column " + name + ": " + std::string(message)};
}

Result<int64_t> CsvFile::Int(size_t column) const {
  const std::string_view text = fields_[column];
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return std::unexpected(FieldError(column, "not an integer: \"" + std::string(text) + "\""));
  }
  return value;
}

Result<bool> CsvFile::Bool(size_t column) const {
  const std::string_view text = fields_[column];
  if (text == "1") return true;
  if (text == "0") return false;
  return std::unexpected(FieldError(column, "expected 0 or 1, got \"" + std::string(text) + "\""));
}

Result<Money> CsvFile::Usd(size_t column) const {
  const std::optional<int64_t> micros = ParseUsdMicros(fields_[column]);
  if (!micros) {
    return std::unexpected(
        FieldError(column, "not a USD amount: \"" + std::string(fields_[column]) + "\""));
  }
  return Money::FromMicros(*micros);
}

std::optional<int64_t> ParseUsdMicros(std::string_view text) {
  const size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if (whole.empty() || whole.size() > 12) return std::nullopt;
  int64_t micros = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return std::nullopt;
    micros = micros * 10 + (c - '0');
  }
  int64_t fraction_micros = 0;
  for (size_t i = 0; i < fraction.size(); ++i) {
    const char c = fraction[i];
    if (c < '0' || c > '9') return std::nullopt;
    if (i < 6) fraction_micros = fraction_micros * 10 + (c - '0');
    if (i == 6 && c >= '5') ++fraction_micros;  // round half up on the seventh decimal
  }
  for (size_t i = fraction.size(); i < 6; ++i) fraction_micros *= 10;
  if (dot != std::string_view::npos && fraction.empty()) return std::nullopt;
  return micros * Money::kMicrosPerUsd + fraction_micros;
}

}  // namespace cloudoptim
