#include "store/comma_list.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cloudoptim::store {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(CommaListTest, RoundTripsAndDropsEmptyItems) {
  EXPECT_EQ(JoinCommaList({"subnet-1", "subnet-2"}), "subnet-1,subnet-2");
  EXPECT_THAT(SplitCommaList("subnet-1,subnet-2"), ElementsAre("subnet-1", "subnet-2"));
  EXPECT_EQ(JoinCommaList({}), "");
  EXPECT_THAT(SplitCommaList(""), IsEmpty());
  EXPECT_THAT(SplitCommaList(",Deployment,,StatefulSet,"),
              ElementsAre("Deployment", "StatefulSet"));
}

}  // namespace
}  // namespace cloudoptim::store
