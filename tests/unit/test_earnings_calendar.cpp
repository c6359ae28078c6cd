// The earnings calendar (agents/earnings_calendar.hpp): report days drawn per firm and quarter around the
// firm's typical day, the same whatever order (or rank) asks for them; and the market's expectation, whose
// news on a report day is the surprise only.
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "agents/earnings_calendar.hpp"
#include "agents/streams.hpp"

namespace megacycle {
namespace {

const StreamKey kKey{7, 0, kPopulationMarket, kPurposeReportDay};
constexpr int kDays = 63;

TEST(EarningsCalendar, ReportDaysVaryAcrossQuartersWithinTheJitterWindow) {
  const int typical = 38, jitter = 4;
  for (std::uint64_t firm = 0; firm < 9; ++firm) {
    std::set<int> seen;
    for (int t = 0; t < 200; ++t) {
      const int d = report_day(kKey, firm, t, typical, jitter, kDays);
      EXPECT_GE(d, typical - jitter);
      EXPECT_LE(d, typical + jitter);
      seen.insert(d);
    }
    // 200 quarters of a uniform draw on 9 days reach every day of the window.
    EXPECT_EQ(seen.size(), 2u * jitter + 1) << "firm " << firm;
  }
}

TEST(EarningsCalendar, ReportDaysAreClampedToTheQuarterAndFixedWithoutJitter) {
  for (int t = 0; t < 100; ++t) {
    const int early = report_day(kKey, 0, t, 1, 4, kDays), late = report_day(kKey, 1, t, 61, 4, kDays);
    EXPECT_GE(early, 0);
    EXPECT_LE(early, 5);
    EXPECT_GE(late, 57);
    EXPECT_LE(late, kDays - 1);
    EXPECT_EQ(report_day(kKey, 2, t, 20, 0, kDays), 20);
  }
}

TEST(EarningsCalendar, ReportDayDependsOnlyOnFirmAndQuarterNotOnTheOrderOfDraws) {
  // A rank that owns only some firms, or asks in another order, draws the same days.
  std::vector<int> forward, backward(9 * 40);
  for (std::uint64_t firm = 0; firm < 9; ++firm)
    for (int t = 0; t < 40; ++t) forward.push_back(report_day(kKey, firm, t, 20, 4, kDays));
  for (int firm = 8; firm >= 0; --firm)
    for (int t = 39; t >= 0; --t)
      backward[static_cast<std::size_t>(firm * 40 + t)] =
          report_day(kKey, static_cast<std::uint64_t>(firm), t, 20, 4, kDays);
  EXPECT_EQ(forward, backward);
  // Firms do not share a calendar: two firms' day sequences differ.
  const std::vector<int> firm0(forward.begin(), forward.begin() + 40),
      firm1(forward.begin() + 40, forward.begin() + 80);
  EXPECT_NE(firm0, firm1);
}

TEST(EarningsCalendar, TypicalDayIsTheFirmsEntryElseTheDefault) {
  EarningsCalendar c;
  c.set_default_report_day(20);
  auto* r = c.add_report_day();
  r->set_firm("NVIDIA");
  r->set_day(38);
  EXPECT_EQ(typical_report_day(c, "NVIDIA", kDays), 38);
  EXPECT_EQ(typical_report_day(c, "AMD", kDays), 20);
  EXPECT_EQ(typical_report_day(c, "NVIDIA", 30), 29);  // a shorter quarter clamps it
}

TEST(EarningsExpectation, NewsIsTheSurpriseAndZeroWhenTheReportMatchesExpectations) {
  EarningsExpectation e{1.0, 0.01};
  for (int d = 0; d < 10; ++d) e.advance();
  EXPECT_NEAR(e.log_value, 1.10, 1e-12);
  // Reported as expected (yesterday's expectation plus one day's drift): no news.
  EXPECT_NEAR(e.report(1.11, 0.02), 0.0, 1e-12);
  EXPECT_NEAR(e.log_value, 1.11, 1e-12);
  EXPECT_EQ(e.drift, 0.02);
  // A report 5% above what was expected is news of 0.05, whatever the quarter's whole change.
  for (int d = 0; d < 62; ++d) e.advance();
  const double expected_at_report = e.log_value + e.drift;
  EXPECT_NEAR(e.report(expected_at_report + 0.05, 0.0), 0.05, 1e-12);
  EXPECT_NEAR(e.log_value, expected_at_report + 0.05, 1e-12);
}

TEST(EarningsExpectation, MarketLearnsAllButTheSurpriseShareBeforeTheReport) {
  // Expected: 1.0 growing 0.001 a day, reported 10 days on. Reported 0.3 above that: with surprise share
  // 0.2 the market learns 0.24 over the 9 days before the report and the report's news is 0.06.
  EarningsExpectation e{1.0, 0.001};
  const double reported = 1.0 + 10 * 0.001 + 0.3;
  e.anticipate(reported, 10, 0.2);
  for (int d = 0; d < 9; ++d) e.advance();
  EXPECT_NEAR(e.log_value, 1.0 + 9 * 0.001 + 0.9 * 0.24, 1e-12);
  EXPECT_NEAR(e.report(reported, 0.0), 0.2 * 0.3, 1e-12);
  // A report as expected teaches nothing before it and is no news on the day.
  EarningsExpectation f{2.0, 0.002};
  f.anticipate(2.0 + 5 * 0.002, 5, 0.2);
  for (int d = 0; d < 4; ++d) f.advance();
  EXPECT_NEAR(f.report(2.0 + 5 * 0.002, 0.0), 0.0, 1e-12);
  // Surprise share 1: nothing is learned before the report; all the news comes on the day.
  EarningsExpectation g{0.0, 0.0};
  g.anticipate(0.5, 20, 1.0);
  for (int d = 0; d < 19; ++d) g.advance();
  EXPECT_EQ(g.log_value, 0.0);
  EXPECT_NEAR(g.report(0.5, 0.0), 0.5, 1e-12);
}

}  // namespace
}  // namespace megacycle
