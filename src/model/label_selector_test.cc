// Label selectors: the string grammar, matching and printing of k8s.io/apimachinery/pkg/labels,
// checked against the cases of its selector_test.go re-expressed as tables.
#include "model/label_selector.h"

#include <gtest/gtest.h>

#include <string>

namespace cloudoptim {
namespace {

std::string Reprint(std::string_view text) {
  Result<LabelSelector> s = LabelSelector::Parse(text);
  if (!s) return "error: " + s.error().message;
  return s->ToString();
}

bool Selects(std::string_view selector, const Labels& labels) {
  Result<LabelSelector> s = LabelSelector::Parse(selector);
  EXPECT_TRUE(s.has_value()) << selector << ": " << s.error().ToString();
  return s.has_value() && s->Matches(labels);
}

TEST(LabelSelectorParseTest, ReprintsGoodSelectorsWithoutWhitespace) {
  EXPECT_EQ(Reprint("x=a,y=b,z=c"), "x=a,y=b,z=c");
  EXPECT_EQ(Reprint(""), "");
  EXPECT_EQ(Reprint("x!=a,y=b"), "x!=a,y=b");
  EXPECT_EQ(Reprint("x="), "x=");
  EXPECT_EQ(Reprint("x= "), "x=");
  EXPECT_EQ(Reprint("x=,z= "), "x=,z=");
  EXPECT_EQ(Reprint("x= ,z= "), "x=,z=");
  EXPECT_EQ(Reprint("!x"), "!x");
  EXPECT_EQ(Reprint("x>1"), "x>1");
  EXPECT_EQ(Reprint("x>1,z<5"), "x>1,z<5");
  // "==" means the same as "=" and prints as "=" (Kubernetes keeps the spelling).
  EXPECT_EQ(Reprint("x==a"), "x=a");
}

TEST(LabelSelectorParseTest, SortsRequirementsByKeySoThatPrintingIsDeterministic) {
  EXPECT_EQ(Reprint("x=a,a=x"), Reprint("a=x,x=a"));
  EXPECT_EQ(Reprint("x notin (abc,def),bar,z in (),w"), "bar,w,x notin (abc,def),z in ()");
}

TEST(LabelSelectorParseTest, ParsesSetBasedRequirementsWithWhitespaceAndEmptyValues) {
  EXPECT_EQ(Reprint("\rx"), "x");
  EXPECT_EQ(Reprint("this-is-a-dns.domain.com/key-with-dash"),
            "this-is-a-dns.domain.com/key-with-dash");
  EXPECT_EQ(Reprint("this-is-another-dns.domain.com/key-with-dash in (so,what)"),
            "this-is-another-dns.domain.com/key-with-dash in (so,what)");
  EXPECT_EQ(Reprint("0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)"),
            "0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)");
  EXPECT_EQ(Reprint("foo  in\t (abc)"), "foo in (abc)");
  EXPECT_EQ(Reprint("x notin\n (abc)"), "x notin (abc)");
  EXPECT_EQ(Reprint("x  notin\t\t(def,abc)"), "x notin (abc,def)");
  EXPECT_EQ(Reprint("x in (abc,)"), "x in (,abc)");
  EXPECT_EQ(Reprint("x in ()"), "x in ()");
  EXPECT_EQ(Reprint("x in (b,a,b)"), "x in (a,b)");
  EXPECT_EQ(Reprint("env in (prod,staging),app,!canary,tier!=db"),
            "app,!canary,env in (prod,staging),tier!=db");
}

TEST(LabelSelectorParseTest, KeywordsAreValuesWhereAValueIsExpected) {
  EXPECT_EQ(Reprint("notin=in"), "notin=in");
  EXPECT_EQ(Reprint("x in (in,notin)"), "x in (in,notin)");
  EXPECT_TRUE(Selects("notin=in", {{"notin", "in"}}));
  EXPECT_EQ(Reprint("in in (notin)"), "in in (notin)");
}

TEST(LabelSelectorParseTest, RejectsBadSelectorsWithMessageNamingTheSelector) {
  for (const char* bad :
       {"x=a||y=b", "x==a==b", "!x=a", "x<a",  "x>1.5",        "x in (a b)", "x in a",
        "x in (a",  "x,",      ",x",   "x,,y", "=a",           "x y",        "x notin",
        "x=(a)",    "!",       "!!x",  "x=a)", "x in (a,(b))", "x!"}) {
    Result<LabelSelector> s = LabelSelector::Parse(bad);
    ASSERT_FALSE(s.has_value()) << bad << " parsed as " << s->ToString();
    EXPECT_TRUE(IsInvalidArgument(s.error())) << bad;
  }
  Result<LabelSelector> s = LabelSelector::Parse("app=web,tier in db");
  ASSERT_FALSE(s.has_value());
  EXPECT_NE(s.error().message.find("app=web,tier in db"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("'db'"), std::string::npos) << s.error().message;
}

TEST(LabelSelectorParseTest, ValidatesKeysAndValuesLikeKubernetes) {
  const std::string name63(63, 'a');
  const std::string prefix253 = std::string(249, 'b') + ".com";
  EXPECT_TRUE(LabelSelector::Parse(name63).has_value());
  EXPECT_FALSE(LabelSelector::Parse(name63 + "a").has_value());
  EXPECT_TRUE(LabelSelector::Parse(prefix253 + "/x").has_value());
  EXPECT_FALSE(LabelSelector::Parse("a" + prefix253 + "/x").has_value());
  EXPECT_FALSE(LabelSelector::Parse(std::string(254, 'a')).has_value());
  EXPECT_TRUE(LabelSelector::Parse("1foo=bar").has_value());
  EXPECT_TRUE(LabelSelector::Parse("1234=bar").has_value());
  EXPECT_TRUE(LabelSelector::Parse("k8s.io/a_b.c-d=Value_1.x-y").has_value());
  EXPECT_FALSE(LabelSelector::Parse("-a=b").has_value());           // name starts with '-'
  EXPECT_FALSE(LabelSelector::Parse("a_=b").has_value());           // name ends with '_'
  EXPECT_FALSE(LabelSelector::Parse("Example.com/a").has_value());  // prefix uppercase
  EXPECT_FALSE(LabelSelector::Parse("/a").has_value());             // empty prefix
  EXPECT_FALSE(LabelSelector::Parse("a/").has_value());             // empty name
  EXPECT_FALSE(LabelSelector::Parse("a/b/c").has_value());          // two slashes
  EXPECT_FALSE(LabelSelector::Parse("a..b/c").has_value());         // empty DNS label
  EXPECT_FALSE(LabelSelector::Parse("a=-b").has_value());           // value starts with '-'
  EXPECT_FALSE(LabelSelector::Parse("a=b/c").has_value());          // '/' in a value
  EXPECT_FALSE(LabelSelector::Parse("a=" + name63 + "a").has_value());
  EXPECT_TRUE(LabelSelector::Parse("a=" + name63).has_value());
  Result<LabelSelector> bad = LabelSelector::Parse("a=b$");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("\"b$\""), std::string::npos) << bad.error().message;
}

TEST(LabelSelectorMatchTest, MatchesAsKubernetesDoes) {
  EXPECT_TRUE(Selects("", {{"x", "y"}}));
  EXPECT_TRUE(Selects("x=y", {{"x", "y"}}));
  EXPECT_TRUE(Selects("x=y,z=w", {{"x", "y"}, {"z", "w"}}));
  EXPECT_TRUE(Selects("x!=y,z!=w", {{"x", "z"}, {"z", "a"}}));
  EXPECT_TRUE(Selects("x", {{"x", "z"}}));
  EXPECT_TRUE(Selects("!x", {{"y", "z"}}));
  EXPECT_TRUE(Selects("x>1", {{"x", "2"}}));
  EXPECT_TRUE(Selects("x<1", {{"x", "0"}}));
  EXPECT_FALSE(Selects("x=z", {}));
  EXPECT_FALSE(Selects("x=y", {{"x", "z"}}));
  EXPECT_FALSE(Selects("x=y,z=w", {{"x", "w"}, {"z", "w"}}));
  EXPECT_FALSE(Selects("x!=y,z!=w", {{"x", "z"}, {"z", "w"}}));
  EXPECT_FALSE(Selects("x", {{"y", "z"}}));
  EXPECT_FALSE(Selects("!x", {{"x", "z"}}));
  EXPECT_FALSE(Selects("x>1", {{"x", "0"}}));
  EXPECT_FALSE(Selects("x<1", {{"x", "2"}}));
  const Labels set = {{"foo", "bar"}, {"baz", "blah"}};
  EXPECT_TRUE(Selects("foo=bar,baz=blah", set));
  EXPECT_FALSE(Selects("foo=blah", set));
  EXPECT_FALSE(Selects("foo=bar,foobar=bar,baz=blah", set));
}

TEST(LabelSelectorMatchTest, NegativeOperatorsMatchWhenTheKeyIsAbsent) {
  EXPECT_TRUE(Selects("tier!=db", {{"app", "web"}}));
  EXPECT_TRUE(Selects("env notin (prod)", {{"app", "web"}}));
  EXPECT_FALSE(Selects("env notin (prod)", {{"env", "prod"}}));
  EXPECT_TRUE(Selects("env notin (prod)", {{"env", "dev"}}));
  EXPECT_FALSE(Selects("env in (prod)", {{"app", "web"}}));
  EXPECT_TRUE(Selects("env in (prod,staging)", {{"env", "staging"}}));
  // The empty value is a value: "x in ()" selects x="" only.
  EXPECT_TRUE(Selects("x in ()", {{"x", ""}}));
  EXPECT_FALSE(Selects("x in ()", {{"y", "baz"}}));
  EXPECT_TRUE(Selects("x=", {{"x", ""}}));
}

TEST(LabelSelectorMatchTest, GreaterAndLessCompareIntegersAndFailOnNonIntegers) {
  EXPECT_TRUE(Selects("z>1", {{"z", "2"}}));
  EXPECT_FALSE(Selects("z>1", {{"z", "v2"}}));
  EXPECT_FALSE(Selects("z>1", {{"z", "1"}}));
  EXPECT_FALSE(Selects("z>1", {}));
  // "-5" is not a valid label value, so the string form rejects it; node selector terms
  // (structured) may compare against negative numbers.
  EXPECT_FALSE(LabelSelector::Parse("z>-5").has_value());
  const SelectorRequirement gt_minus_five{"z", SelectorOperator::kGt, {"-5"}};
  EXPECT_TRUE(ValidateRequirement(gt_minus_five).has_value());
  EXPECT_TRUE(gt_minus_five.Matches({{"z", "-4"}}));
  EXPECT_FALSE(gt_minus_five.Matches({{"z", "-5"}}));
  EXPECT_TRUE(Selects("z<10", {{"z", "9"}}));  // numeric, not lexical ("9" > "10")
  EXPECT_FALSE(Selects("z<10", {{"z", "99999999999999999999"}}));  // not an int64
}

TEST(LabelSelectorTest, EmptySelectorMatchesEverything) {
  LabelSelector everything;
  EXPECT_TRUE(everything.IsEmpty());
  EXPECT_TRUE(everything.Matches({}));
  EXPECT_TRUE(everything.Matches({{"x", "y"}}));
  EXPECT_TRUE(LabelSelector::Parse("  ")->IsEmpty());
}

TEST(LabelSelectorTest, FromMatchLabelsBuildsEqualityRequirements) {
  LabelSelector s = LabelSelector::FromMatchLabels({{"app", "web"}, {"tier", "frontend"}});
  EXPECT_EQ(s.ToString(), "app=web,tier=frontend");
  EXPECT_TRUE(s.Matches({{"app", "web"}, {"tier", "frontend"}, {"extra", "1"}}));
  EXPECT_FALSE(s.Matches({{"app", "web"}}));
  EXPECT_TRUE(LabelSelector::FromMatchLabels({}).IsEmpty());
}

TEST(LabelSelectorTest, PrintsStructuredRequirements) {
  LabelSelector s;
  s.requirements = {{"x", SelectorOperator::kIn, {"def", "abc"}},
                    {"y", SelectorOperator::kNotIn, {"jkl"}},
                    {"z", SelectorOperator::kExists, {}}};
  EXPECT_EQ(s.ToString(), "x in (abc,def),y notin (jkl),z");
  s.requirements = {{"x", SelectorOperator::kGt, {"2"}},
                    {"y", SelectorOperator::kLt, {"8"}},
                    {"z", SelectorOperator::kDoesNotExist, {}}};
  EXPECT_EQ(s.ToString(), "x>2,y<8,!z");
}

TEST(ValidateRequirementTest, ChecksValueCountsPerOperator) {
  EXPECT_FALSE(ValidateRequirement({"x", SelectorOperator::kIn, {}}).has_value());
  EXPECT_FALSE(ValidateRequirement({"x", SelectorOperator::kNotIn, {}}).has_value());
  EXPECT_TRUE(ValidateRequirement({"x", SelectorOperator::kIn, {"foo"}}).has_value());
  EXPECT_TRUE(ValidateRequirement({"x", SelectorOperator::kExists, {}}).has_value());
  EXPECT_FALSE(ValidateRequirement({"x", SelectorOperator::kExists, {"a"}}).has_value());
  EXPECT_TRUE(ValidateRequirement({"x", SelectorOperator::kDoesNotExist, {}}).has_value());
  EXPECT_TRUE(ValidateRequirement({"y", SelectorOperator::kGt, {"1"}}).has_value());
  EXPECT_TRUE(ValidateRequirement({"z", SelectorOperator::kLt, {"6"}}).has_value());
  EXPECT_FALSE(ValidateRequirement({"foo", SelectorOperator::kGt, {"bar"}}).has_value());
  EXPECT_FALSE(ValidateRequirement({"foo", SelectorOperator::kLt, {"1", "2"}}).has_value());
  EXPECT_FALSE(ValidateRequirement({"x", SelectorOperator::kEquals, {"a", "b"}}).has_value());
  EXPECT_FALSE(
      ValidateRequirement({std::string(254, 'a'), SelectorOperator::kExists, {}}).has_value());
}

}  // namespace
}  // namespace cloudoptim
