#include "model/labels.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/label_selector.h"

namespace cloudoptim {
namespace {

using StdLabels = std::map<std::string, std::string, std::less<>>;

std::vector<std::pair<std::string, std::string>> Items(const Labels& labels) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [key, value] : labels) out.emplace_back(key, value);
  return out;
}

TEST(LabelsTest, IteratesSortedByKeyAsTheMapDid) {
  const Labels labels = {{"tier", "web"}, {"app", "shop"}, {"env", "prod"}};
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"app", "shop"}, {"env", "prod"}, {"tier", "web"}};
  EXPECT_EQ(Items(labels), expected);
  EXPECT_EQ(labels.size(), 3u);
  EXPECT_FALSE(labels.empty());
}

TEST(LabelsTest, FindsContainsAndAtLikeTheMap) {
  const Labels labels = {{"app", "shop"}, {"env", "prod"}};
  ASSERT_NE(labels.find("env"), labels.end());
  EXPECT_EQ(labels.find("env")->second, "prod");
  EXPECT_EQ(labels.find("envx"), labels.end());
  EXPECT_TRUE(labels.contains("app"));
  EXPECT_FALSE(labels.contains("ap"));
  EXPECT_EQ(labels.count("app"), 1u);
  EXPECT_EQ(labels.at("app"), "shop");
  EXPECT_THROW((void)labels.at("nope"), std::out_of_range);
  ASSERT_NE(labels.Find("app"), nullptr);
  EXPECT_EQ(*labels.Find("app"), "shop");
  EXPECT_EQ(labels.Find("nope"), nullptr);
}

TEST(LabelsTest, SubscriptAssignsAndEmplaceKeepsTheFirstValue) {
  Labels labels;
  labels["b"] = "2";
  labels["a"] = std::string("1");
  labels["b"] = "3";  // overwrites
  EXPECT_EQ(Items(labels),
            (std::vector<std::pair<std::string, std::string>>{{"a", "1"}, {"b", "3"}}));
  auto [it, inserted] = labels.emplace("a", "9");
  EXPECT_FALSE(inserted);
  EXPECT_EQ(it->second, "1");
  std::tie(it, inserted) = labels.emplace("c", "4");
  EXPECT_TRUE(inserted);
  EXPECT_EQ(it->first, "c");
  EXPECT_EQ(labels.erase("a"), 1u);
  EXPECT_EQ(labels.erase("a"), 0u);
  EXPECT_EQ(Items(labels),
            (std::vector<std::pair<std::string, std::string>>{{"b", "3"}, {"c", "4"}}));
  labels.clear();
  EXPECT_TRUE(labels.empty());
  EXPECT_EQ(labels, Labels());
}

TEST(LabelsTest, ReadingAnAbsentKeyThroughSubscriptInsertsAnEmptyValueAsTheMapDid) {
  Labels labels;
  const std::string& value = labels["missing"];
  EXPECT_EQ(value, "");
  EXPECT_TRUE(labels.contains("missing"));
}

TEST(LabelsTest, AChangeDoesNotAffectCopies) {
  Labels a = {{"app", "web"}};
  const Labels b = a;
  a["app"] = "db";
  EXPECT_EQ(b.at("app"), "web");
  EXPECT_EQ(a.at("app"), "db");
  EXPECT_NE(a, b);
}

TEST(LabelsTest, EqualSetsShareOneCopyWhateverTheOrderTheyWereBuiltIn) {
  const Labels a = {{"app", "web"}, {"env", "prod"}};
  Labels b;
  b["env"] = "prod";
  b["app"] = "web";
  EXPECT_EQ(a, b);
  EXPECT_EQ(&a.begin()->first, &b.begin()->first);  // the same pooled strings
  EXPECT_NE(a, (Labels{{"app", "web"}, {"env", "dev"}}));
}

TEST(LabelsTest, FromPairsKeepsTheLastValueOfARepeatedKey) {
  const Labels labels = Labels::FromPairs({{"a", "1"}, {"b", "2"}, {"a", "3"}});
  EXPECT_EQ(Items(labels),
            (std::vector<std::pair<std::string, std::string>>{{"a", "3"}, {"b", "2"}}));
}

TEST(LabelsTest, BuildsFromAMapRange) {
  const StdLabels map = {{"x", "1"}, {"y", "2"}};
  const Labels labels(map.begin(), map.end());
  EXPECT_EQ(labels, (Labels{{"y", "2"}, {"x", "1"}}));
}

// The ordering std::map<string,string> gave (lexicographic over (key, value) pairs), over
// random sets, together with equality.
TEST(LabelsTest, OrdersAndComparesExactlyAsTheMapDid) {
  std::mt19937 random(7);
  auto make = [&] {
    StdLabels map;
    const int n = static_cast<int>(random() % 4);
    for (int i = 0; i < n; ++i) {
      map[std::string(1, static_cast<char>('a' + random() % 3))] =
          std::string(random() % 2, static_cast<char>('x' + random() % 2));
    }
    return map;
  };
  for (int i = 0; i < 2000; ++i) {
    const StdLabels m1 = make(), m2 = make();
    const Labels l1(m1.begin(), m1.end()), l2(m2.begin(), m2.end());
    ASSERT_EQ(m1 == m2, l1 == l2);
    ASSERT_EQ(m1 < m2, l1 < l2);
    ASSERT_EQ(m1 > m2, l1 > l2);
  }
}

TEST(LabelsTest, SelectorsMatchAsTheyDidOnTheMap) {
  const Labels labels = {{"app", "web"}, {"env", "prod"}, {"cores", "8"}};
  auto selects = [&](std::string_view text) {
    Result<LabelSelector> selector = LabelSelector::Parse(text);
    EXPECT_TRUE(selector.has_value()) << text;
    return selector->Matches(labels);
  };
  EXPECT_TRUE(selects("app=web,env in (prod,staging)"));
  EXPECT_FALSE(selects("app=web,env notin (prod)"));
  EXPECT_TRUE(selects("!canary,cores>4"));
  EXPECT_FALSE(selects("cores<4"));
  EXPECT_TRUE(selects("tier!=db"));
  EXPECT_TRUE(LabelSelector::FromMatchLabels({{"app", "web"}}).Matches(labels));
  EXPECT_FALSE(LabelSelector::FromMatchLabels({{"app", "db"}}).Matches(labels));
}

TEST(LabelsTest, ReferencesFromIterationStayValidWhileTheSetLives) {
  Labels labels = {{"app", "web"}};
  const std::string* value = labels.Find("app");
  const Labels copy = labels;
  labels["app"] = "db";  // `labels` now holds another set; `copy` keeps the first alive
  EXPECT_EQ(*value, "web");
  EXPECT_EQ(value, copy.Find("app"));
}

}  // namespace
}  // namespace cloudoptim
