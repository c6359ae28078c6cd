#include <gtest/gtest.h>

#include "engine/piecewise.hpp"

namespace megacycle {
namespace {

TEST(PiecewiseLinear, InterpolatesBetweenKnotsAndIsFlatOutside) {
  PiecewiseLinear path({{0, 2.0}, {4, 2.0}, {8, 1.0}}, 99.0);
  EXPECT_DOUBLE_EQ(path.at(-1), 2.0);
  EXPECT_DOUBLE_EQ(path.at(2), 2.0);
  EXPECT_DOUBLE_EQ(path.at(6), 1.5);
  EXPECT_DOUBLE_EQ(path.at(8), 1.0);
  EXPECT_DOUBLE_EQ(path.at(40), 1.0);
}

TEST(PiecewiseLinear, EmptyScheduleIsTheFallbackConstant) {
  PiecewiseLinear path({}, 3.5);
  EXPECT_DOUBLE_EQ(path.at(0), 3.5);
  EXPECT_DOUBLE_EQ(path.at(17), 3.5);
}

TEST(PiecewiseLinear, AShockIsTwoKnotsOneQuarterApart) {
  PiecewiseLinear efficiency({{10, 1.0}, {11, 2.0}}, 1.0);
  EXPECT_DOUBLE_EQ(efficiency.at(10), 1.0);
  EXPECT_DOUBLE_EQ(efficiency.at(11), 2.0);
}

}  // namespace
}  // namespace megacycle
