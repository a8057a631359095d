// Names as people type them: diacritics, case and separators ignored.
#include <gtest/gtest.h>

#include "io/names.hpp"

namespace giotmau::io {
namespace {

TEST(Names, FoldingDropsDiacriticsCaseAndSeparators) {
  EXPECT_EQ(fold_name("Hà Nội"), "ha-noi");
  EXPECT_EQ(fold_name("ha noi"), "ha-noi");
  EXPECT_EQ(fold_name("HA_NOI"), "ha-noi");
  EXPECT_EQ(fold_name("Đà Nẵng"), "da-nang");
  EXPECT_EQ(fold_name("Thừa Thiên  Huế"), "thua-thien-hue");
  EXPECT_EQ(fold_name("Cần Thơ"), "can-tho");
  EXPECT_EQ(fold_name("Chủ Nhật Đỏ"), "chu-nhat-do");
  EXPECT_NE(fold_name("Hà Nam"), fold_name("Hà Nội"));
}

const std::vector<KnownName> kProvinces = {
    {"ha-noi", "Hà Nội"}, {"ha-tinh", "Hà Tĩnh"}, {"hue", "Huế"}, {"da-nang", "Đà Nẵng"}, {"can-tho", "Cần Thơ"}};

TEST(Names, EitherNameResolves) {
  EXPECT_EQ(resolve_name("ha-noi", kProvinces), "ha-noi");
  EXPECT_EQ(resolve_name("Hà Nội", kProvinces), "ha-noi");
  EXPECT_EQ(resolve_name("HA NOI", kProvinces), "ha-noi");
  EXPECT_EQ(resolve_name("Đà Nẵng", kProvinces), "da-nang");
  EXPECT_EQ(resolve_name("Hải Phòng", kProvinces), "");
}

TEST(Names, DidYouMeanSuggestsTheClosest) {
  EXPECT_EQ(did_you_mean("ha-nio", kProvinces), "; did you mean 'ha-noi'?");
  EXPECT_EQ(closest_names("Da Nang", kProvinces).front(), "da-nang");
  EXPECT_EQ(closest_names("can tho city", kProvinces), std::vector<std::string>{});  // too far from anything
  EXPECT_EQ(closest_names("cantho", kProvinces).front(), "can-tho");
  EXPECT_EQ(did_you_mean("atlantis", kProvinces), "");
  const std::vector<std::string> ha = closest_names("ha-ti", kProvinces);
  ASSERT_FALSE(ha.empty());
  EXPECT_EQ(ha.front(), "ha-tinh");
}

}  // namespace
}  // namespace giotmau::io
