#include "model/label_selector.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <utility>

#include "model/label_syntax.h"

namespace cloudoptim {
namespace {

std::optional<int64_t> ParseInt64(std::string_view s) {
  int64_t value = 0;
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, value);
  if (ec != std::errc() || ptr != end || s.empty()) return std::nullopt;
  return value;
}

// ---- The string form: a lexer and a recursive-descent parser, as in labels/selector.go ----

enum class Token {
  kEnd,
  kIdentifier,
  kComma,
  kOpenParen,
  kCloseParen,
  kEquals,        // =
  kDoubleEquals,  // ==
  kNotEquals,     // !=
  kNot,           // !
  kGreater,       // >
  kLess,          // <
  kIn,
  kNotIn,
};

bool IsSpecial(char c) {
  return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
}
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

struct Lexeme {
  Token token = Token::kEnd;
  std::string_view text;
};

// Identifiers are runs of anything that is neither whitespace nor one of = ! ( ) , > <; the
// words "in" and "notin" are keywords, except where a value is expected.
std::vector<Lexeme> Lex(std::string_view text) {
  std::vector<Lexeme> out;
  size_t pos = 0;
  while (pos < text.size()) {
    const char c = text[pos];
    if (IsSpace(c)) {
      ++pos;
      continue;
    }
    if (IsSpecial(c)) {
      const bool doubled = pos + 1 < text.size() && text[pos + 1] == '=';
      Token token = Token::kComma;
      size_t len = 1;
      switch (c) {
        case ',':
          token = Token::kComma;
          break;
        case '(':
          token = Token::kOpenParen;
          break;
        case ')':
          token = Token::kCloseParen;
          break;
        case '>':
          token = Token::kGreater;
          break;
        case '<':
          token = Token::kLess;
          break;
        case '=':
          token = doubled ? Token::kDoubleEquals : Token::kEquals;
          len = doubled ? 2 : 1;
          break;
        case '!':
          token = doubled ? Token::kNotEquals : Token::kNot;
          len = doubled ? 2 : 1;
          break;
      }
      out.push_back({token, text.substr(pos, len)});
      pos += len;
      continue;
    }
    const size_t start = pos;
    while (pos < text.size() && !IsSpace(text[pos]) && !IsSpecial(text[pos])) ++pos;
    const std::string_view word = text.substr(start, pos - start);
    Token token = Token::kIdentifier;
    if (word == "in") token = Token::kIn;
    if (word == "notin") token = Token::kNotIn;
    out.push_back({token, word});
  }
  out.push_back({Token::kEnd, ""});
  return out;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text), lexemes_(Lex(text)) {}

  Result<LabelSelector> Parse() {
    LabelSelector selector;
    if (Peek().token == Token::kEnd) return selector;
    while (true) {
      CO_ASSIGN_OR_RETURN(SelectorRequirement requirement, ParseRequirement());
      selector.requirements.push_back(std::move(requirement));
      const Lexeme next = Next();
      if (next.token == Token::kEnd) break;
      if (next.token != Token::kComma) return Fail("expected ',' or end of selector", next);
      if (Peek().token == Token::kEnd) return Fail("expected a requirement after ','", Peek());
    }
    // Kubernetes keeps requirements sorted by key (stably), which makes ToString canonical.
    std::stable_sort(
        selector.requirements.begin(), selector.requirements.end(),
        [](const SelectorRequirement& a, const SelectorRequirement& b) { return a.key < b.key; });
    return selector;
  }

 private:
  const Lexeme& Peek() const { return lexemes_[index_]; }
  Lexeme Next() {
    const Lexeme lexeme = lexemes_[index_];
    if (index_ + 1 < lexemes_.size()) ++index_;
    return lexeme;
  }
  // Where a value is expected, "in" and "notin" are plain words.
  static bool IsValueWord(Token t) {
    return t == Token::kIdentifier || t == Token::kIn || t == Token::kNotIn;
  }

  std::unexpected<Error> Fail(std::string_view what, const Lexeme& found) const {
    std::string message =
        "invalid label selector \"" + std::string(text_) + "\": " + std::string(what) + ", found ";
    message += found.token == Token::kEnd ? "end of selector" : "'" + std::string(found.text) + "'";
    return InvalidArgument(std::move(message));
  }

  Result<SelectorRequirement> ParseRequirement() {
    SelectorRequirement r;
    const bool negated = Peek().token == Token::kNot;
    if (negated) Next();
    const Lexeme key = Next();
    // As in Kubernetes, a key is read like a value: "in" and "notin" are valid keys.
    if (!IsValueWord(key.token)) return Fail("expected a label key", key);
    r.key = std::string(key.text);
    CO_RETURN_IF_ERROR(ValidateLabelKey(r.key));
    const Token after = Peek().token;
    if (after == Token::kEnd || after == Token::kComma) {
      r.op = negated ? SelectorOperator::kDoesNotExist : SelectorOperator::kExists;
      return r;
    }
    if (negated) return Fail("expected ',' or end of selector after '!" + r.key + "'", Peek());
    const Lexeme op = Next();
    switch (op.token) {
      case Token::kEquals:
      case Token::kDoubleEquals:
        r.op = SelectorOperator::kEquals;
        break;
      case Token::kNotEquals:
        r.op = SelectorOperator::kNotEquals;
        break;
      case Token::kGreater:
        r.op = SelectorOperator::kGt;
        break;
      case Token::kLess:
        r.op = SelectorOperator::kLt;
        break;
      case Token::kIn:
        r.op = SelectorOperator::kIn;
        break;
      case Token::kNotIn:
        r.op = SelectorOperator::kNotIn;
        break;
      default:
        return Fail("expected an operator (=, ==, !=, in, notin, >, <) after '" + r.key + "'", op);
    }
    if (r.op == SelectorOperator::kIn || r.op == SelectorOperator::kNotIn) {
      CO_ASSIGN_OR_RETURN(r.values, ParseValueSet());
    } else {
      CO_ASSIGN_OR_RETURN(std::string value, ParseSingleValue());
      r.values.push_back(std::move(value));
    }
    CO_RETURN_IF_ERROR(ValidateRequirement(r));
    // In the string form every value must also be a valid label value, so "x>-1" is
    // rejected here although a node selector term may say Gt -1.
    if (r.op == SelectorOperator::kGt || r.op == SelectorOperator::kLt) {
      CO_RETURN_IF_ERROR(ValidateLabelValue(r.key, r.values[0]));
    }
    return r;
  }

  // After = == != > <: one value, possibly empty ("a=" selects a="" or, for !=, a absent).
  Result<std::string> ParseSingleValue() {
    const Token t = Peek().token;
    if (t == Token::kEnd || t == Token::kComma) return std::string();
    const Lexeme value = Next();
    if (!IsValueWord(value.token)) return Fail("expected a value", value);
    return std::string(value.text);
  }

  // "(a, b ,c)"; "()" is the set {""} and "(a,,b)" includes "", as in Kubernetes.
  Result<std::vector<std::string>> ParseValueSet() {
    const Lexeme open = Next();
    if (open.token != Token::kOpenParen) return Fail("expected '('", open);
    std::vector<std::string> values;
    std::string current;
    while (true) {
      const Lexeme lexeme = Next();
      if (IsValueWord(lexeme.token)) {
        if (!current.empty()) return Fail("expected ',' or ')' between values", lexeme);
        current = std::string(lexeme.text);
      } else if (lexeme.token == Token::kComma || lexeme.token == Token::kCloseParen) {
        values.push_back(std::move(current));
        current.clear();
        if (lexeme.token == Token::kCloseParen) break;
      } else {
        return Fail("expected a value, ',' or ')'", lexeme);
      }
    }
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    return values;
  }

  std::string_view text_;
  std::vector<Lexeme> lexemes_;
  size_t index_ = 0;
};

bool Contains(const std::vector<std::string>& values, std::string_view v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

}  // namespace

// The checks of labels.NewRequirement: valid key and values, and the number of values each
// operator takes. Gt/Lt take one integer, which may be negative as in node selector terms.
Status ValidateRequirement(const SelectorRequirement& r) {
  CO_RETURN_IF_ERROR(ValidateLabelKey(r.key));
  switch (r.op) {
    case SelectorOperator::kIn:
    case SelectorOperator::kNotIn:
      if (r.values.empty()) {
        return InvalidArgument("label selector requirement on \"" + r.key +
                               "\": in/notin needs at least one value");
      }
      break;
    case SelectorOperator::kEquals:
    case SelectorOperator::kNotEquals:
      if (r.values.size() != 1) {
        return InvalidArgument("label selector requirement on \"" + r.key +
                               "\": =, == and != take exactly one value");
      }
      break;
    case SelectorOperator::kExists:
    case SelectorOperator::kDoesNotExist:
      if (!r.values.empty()) {
        return InvalidArgument("label selector requirement on \"" + r.key +
                               "\": exists/does-not-exist take no values");
      }
      break;
    case SelectorOperator::kGt:
    case SelectorOperator::kLt:
      if (r.values.size() != 1 || !ParseInt64(r.values[0])) {
        return InvalidArgument("label selector requirement on \"" + r.key +
                               "\": > and < take exactly one integer value");
      }
      return Ok();
  }
  for (const std::string& value : r.values) CO_RETURN_IF_ERROR(ValidateLabelValue(r.key, value));
  return Ok();
}

bool SelectorRequirement::Matches(const Labels& labels) const {
  const auto it = labels.find(key);
  const bool present = it != labels.end();
  switch (op) {
    case SelectorOperator::kIn:
    case SelectorOperator::kEquals:
      return present && Contains(values, it->second);
    case SelectorOperator::kNotIn:
    case SelectorOperator::kNotEquals:
      return !present || !Contains(values, it->second);
    case SelectorOperator::kExists:
      return present;
    case SelectorOperator::kDoesNotExist:
      return !present;
    case SelectorOperator::kGt:
    case SelectorOperator::kLt: {
      if (!present || values.size() != 1) return false;
      const std::optional<int64_t> actual = ParseInt64(it->second);
      const std::optional<int64_t> bound = ParseInt64(values[0]);
      if (!actual || !bound) return false;
      return op == SelectorOperator::kGt ? *actual > *bound : *actual < *bound;
    }
  }
  return false;
}

bool LabelSelector::Matches(const Labels& labels) const {
  return std::all_of(requirements.begin(), requirements.end(),
                     [&](const SelectorRequirement& r) { return r.Matches(labels); });
}

Result<LabelSelector> LabelSelector::Parse(std::string_view text) { return Parser(text).Parse(); }

std::string SelectorRequirement::ToString() const {
  auto join = [this] {
    std::vector<std::string> sorted = values;
    std::sort(sorted.begin(), sorted.end());
    std::string out = "(";
    for (size_t i = 0; i < sorted.size(); ++i) out += (i == 0 ? "" : ",") + sorted[i];
    return out + ")";
  };
  const std::string first = values.empty() ? "" : values[0];
  switch (op) {
    case SelectorOperator::kIn:
      return key + " in " + join();
    case SelectorOperator::kNotIn:
      return key + " notin " + join();
    case SelectorOperator::kExists:
      return key;
    case SelectorOperator::kDoesNotExist:
      return "!" + key;
    case SelectorOperator::kEquals:
      return key + "=" + first;
    case SelectorOperator::kNotEquals:
      return key + "!=" + first;
    case SelectorOperator::kGt:
      return key + ">" + first;
    case SelectorOperator::kLt:
      return key + "<" + first;
  }
  return key;
}

std::string LabelSelector::ToString() const {
  std::string out;
  for (size_t i = 0; i < requirements.size(); ++i) {
    if (i > 0) out += ",";
    out += requirements[i].ToString();
  }
  return out;
}

LabelSelector LabelSelector::FromMatchLabels(const Labels& match_labels) {
  LabelSelector selector;
  for (const auto& [key, value] : match_labels) {
    selector.requirements.push_back({key, SelectorOperator::kEquals, {value}});
  }
  return selector;
}

}  // namespace cloudoptim
