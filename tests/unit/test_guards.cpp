#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "engine/error.hpp"
#include "engine/fault_injection.hpp"
#include "engine/finite.hpp"

namespace megacycle {
namespace {

TEST(FirstNonFinite, FindsTheFirstNanOrInfinity) {
  std::vector<float> v(100, 1.0f);
  EXPECT_EQ(first_non_finite<float>(v), kAllFinite);
  v[70] = std::numeric_limits<float>::infinity();
  v[90] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(first_non_finite<float>(v), 70u);
  v[70] = 0.0f;
  EXPECT_EQ(first_non_finite<float>(v), 90u);
}

TEST(TestFault, ParsesEachForm) {
  const auto e = TestFault::parse("error:rank=1:quarter=3");
  EXPECT_TRUE(e.error_at(1, 3));
  EXPECT_FALSE(e.error_at(0, 3));
  EXPECT_FALSE(e.error_at(1, 2));
  const auto n = TestFault::parse("nan:id=15000:quarter=2");
  EXPECT_TRUE(n.nan_at(2));
  EXPECT_EQ(n.id, 15000u);
  EXPECT_TRUE(TestFault::parse("kill:rank=2:quarter=0").kill_at(2, 0));
}

TEST(TestFault, RejectsMalformedValues) {
  for (const char* bad : {"", "boom", "error:quarter=3", "error:rank=x:quarter=3", "nan:id=5", "error:rank=1:when=3"})
    EXPECT_THROW(TestFault::parse(bad), InputError) << bad;
}

}  // namespace
}  // namespace megacycle
