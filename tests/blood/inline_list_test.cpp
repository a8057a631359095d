#include "blood/inline_list.hpp"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace giotmau::blood {
namespace {

std::vector<int> contents(const InlineList<int, 2>& list) { return {list.begin(), list.end()}; }

TEST(InlineList, KeepsOrderInlineAndOnTheHeap) {
  InlineList<int, 2> list;
  EXPECT_TRUE(list.empty());
  std::vector<int> expected;
  for (int i = 1; i <= 7; ++i) {
    list.push_back(i * 10);
    expected.push_back(i * 10);
    ASSERT_EQ(list.size(), expected.size());
    ASSERT_EQ(contents(list), expected);
    EXPECT_EQ(list[list.size() - 1], i * 10);
  }
}

TEST(InlineList, MovesAndCopiesTheValuesInlineOrNot) {
  for (const int n : {0, 1, 2, 3, 9}) {
    InlineList<int, 2> list;
    std::vector<int> expected;
    for (int i = 0; i < n; ++i) {
      list.push_back(i);
      expected.push_back(i);
    }
    const InlineList<int, 2> copy = list;
    EXPECT_EQ(contents(copy), expected);
    InlineList<int, 2> moved = std::move(list);
    EXPECT_EQ(contents(moved), expected);
    moved.push_back(99);
    expected.push_back(99);
    EXPECT_EQ(contents(moved), expected);
    EXPECT_EQ(contents(copy).size(), static_cast<std::size_t>(n));
    InlineList<int, 2> assigned;
    assigned.push_back(-1);
    assigned = copy;
    EXPECT_EQ(contents(assigned), contents(copy));
    assigned = moved;
    EXPECT_EQ(contents(assigned), expected);
  }
}

}  // namespace
}  // namespace giotmau::blood
