#pragma once
// The earnings calendar and earnings news of listed firms (docs/ODD.md, "Earnings calendar and news";
// scenario field equity_market.earnings_calendar). Each listed firm reports on its own trading day of the
// quarter, drawn per firm and quarter around its typical day; between reports the market carries the last
// reported (log) fundamental forward at the growth it expects, so the report moves the price by the
// surprise only, not by the whole quarter's change. Pure functions and one small value type: the market
// state lives in agents/equity_market.hpp.
#include <cstdint>
#include <string_view>

#include "engine/rng.hpp"
#include "engine/serialize.hpp"
#include "equity_market.pb.h"

namespace megacycle {

// Typical report day (trading day of the quarter, from 0) of the firm `name`: its entry in the calendar,
// else the calendar's default. Clamped to the quarter's days.
int typical_report_day(const EarningsCalendar& calendar, std::string_view name, int days);

// The trading day of quarter t on which listed firm `firm` (its stock index) reports: its typical day plus
// a jitter uniform on the integers [-jitter, jitter], clamped to [0, days - 1]. One draw of the stream
// (key, id = firm, time = t): the same for a given firm and quarter whatever the ranks.
int report_day(const StreamKey& key, std::uint64_t firm, int t, int typical, int jitter, int days);

// What the market expects a listed firm's log fundamental (per share) to be: the last reported value,
// carried forward at the expected growth per trading day, plus what it learns before the next report.
struct EarningsExpectation {
  double log_value = 0;  // expected ln fundamental at the last close
  double drift = 0;      // expected growth of ln fundamental per trading day (the story)
  double learning = 0;   // what the market learns per trading day before the next report

  // Ahead of a report of ln fundamental `reported` on the `days`-th trading day from now: the market learns
  // the share 1 - surprise_share of what it did not expect, evenly over those days up to the report
  // (guidance, peers' reports, industry data); the report itself reveals the rest.
  void anticipate(double reported, int days, double surprise_share) {
    const double unexpected = reported - (log_value + drift * days);
    learning = (1.0 - surprise_share) * unexpected / days;
  }
  // One trading day without a report.
  void advance() { log_value += drift + learning; }
  // The report of ln fundamental `reported` (instead of advance() that day): the expectation becomes the
  // report and the drift the new expected growth. Returns the news: reported - expected.
  double report(double reported, double new_drift) {
    const double surprise = reported - (log_value + drift + learning);
    log_value = reported, drift = new_drift, learning = 0;
    return surprise;
  }

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t) {
    ar(log_value, drift, learning);
  }
};

}  // namespace megacycle

CEREAL_CLASS_VERSION(megacycle::EarningsExpectation, 1);
