#pragma once
// The equity market (docs/ODD.md, "Equity market"; scenario field equity_market): step 8 of the quarter.
// Every listed firm (the industry's firm views with a listing: each hyperscaler and chip vendor) and a
// rest-of-market index trade on D days a quarter, Franke-Westerhoff style, against a market maker who
// holds the inventory. Prices, fundamentals and the market maker are global (identical on every rank);
// investors are distributed (agents/investors.hpp). Each day needs one reduction: the trade scale of the
// day's fundamentalists.
#include <optional>
#include <string>
#include <vector>

#include "agents/earnings_calendar.hpp"
#include "agents/environment.hpp"
#include "agents/industry.hpp"
#include "agents/investors.hpp"
#include "agents/output_table.hpp"
#include "agents/valuation.hpp"
#include "engine/comm.hpp"
#include "engine/io/csv.hpp"
#include "scenario.pb.h"

namespace megacycle {

struct Stock {
  std::string name;
  const Books* books = nullptr;                // null for the rest-of-market index
  bool ai = true;                              // in the AI index (every listed firm; not the rest of market)
  double shares = 0;                           // outstanding, billion
  double log_price = 0, log_price_before = 0;  // today's and yesterday's close
  double fundamental = 0;                      // per share (USD) at the last quarter's close
  double fundamental_before = 0;               // the close before that (the rest of market moves from one to the other)
  double expected_growth = 0;                  // per year, smoothed revenue growth
  EarningsRecord record;                       // trailing revenue and earnings (listed firms)
  // Fixed at the start: fundamental = scale x discounted earnings + other_value (growing at the long-run rate).
  double scale = 1, other_value = 0;
  int report_day = 0;            // trading day of this quarter on which it reports (listed firms)
  EarningsExpectation expected;  // the market's view of ln fundamental between reports (listed firms)
  double surprise = 0;           // news of this quarter's report: reported - expected ln fundamental
  double story = 0;              // narrative_growth() as of the last report (listed firms)
  double log_value[4] = {};      // ln of the firm's fundamental (USD billion) at the last four closes, oldest first
  int value_closes = 0;
  double inventory = 0;           // the market maker's shares, billion
  double dividend_per_share = 0;  // this quarter's
  // This quarter's trading days
  std::vector<double> day_price, day_fundamental, day_return, day_volume;
  double price() const;
  double market_value() const { return shares * price(); }
  double fundamental_value() const { return shares * fundamental; }
  double narrative_growth() const;  // the fundamental's log growth over the last year

  // Checkpoints: every member but the books (the industry's firm, fixed).
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t) {
    ar(name, ai, shares, log_price, log_price_before, fundamental, fundamental_before, expected_growth, record, scale,
       other_value, report_day, expected, surprise, story, log_value, value_closes, inventory, dividend_per_share,
       day_price, day_fundamental, day_return, day_volume);
  }
};

class EquityMarket {
 public:
  // Collective. The industry must have been built; the stocks are its listed firms, in its order.
  EquityMarket(Comm& comm, const Scenario& scenario, std::uint32_t replicate, const Industry& industry);

  // Step 8 of quarter t: fundamentals and payouts from the quarter's accounts, D trading days, settlement,
  // and the conservation checks of money and shares. Collective.
  void trade_quarter(int t, const EnvironmentNow& env);

  // Sentiment: the AI index's price / fundamental at the last close (the start's value before quarter 0).
  double sentiment() const { return sentiment_; }
  // A listed firm's price / fundamental at the last close, in the industry's order (hyperscalers first).
  double price_to_fundamental(std::size_t stock) const;
  const std::vector<Stock>& stocks() const { return stocks_; }
  int days_per_quarter() const { return days_; }
  std::uint64_t investors() const { return investors_.partition().population(); }
  const InvestorPopulation& investor_population() const { return investors_; }

  // daily.csv: the quarter last traded, one row per stock and the AI index per day.
  static std::vector<std::string> daily_header();
  std::vector<std::vector<io::CsvWriter::Cell>> daily_rows(int t, const std::string& period) const;
  // quarterly.csv columns of the market (after the industry's).
  static std::vector<std::string> quarterly_header();
  std::vector<io::CsvWriter::Cell> quarterly_row() const;
  // firms.csv columns of the market (empty for a firm not listed), and those of a listed firm's stock.
  static std::vector<Column> firm_columns();
  void firm_row(std::size_t stock, NamedRow& row) const;

  // Daily series of the whole run so far, for the diagnostics: names are the stocks' and "AI_index".
  struct Series {
    std::string name;
    std::vector<double> log_price, log_price_to_fundamental;
    template <class Archive>
    void serialize(Archive& ar) {
      ar(name, log_price, log_price_to_fundamental);
    }
  };
  const std::vector<Series>& history() const { return history_; }

  // Relative gaps of the last quarter's conservation checks: money of investors and market maker
  // against the flows in and out of the market, and shares held against shares outstanding.
  double money_gap() const { return money_gap_; }
  double shares_gap() const { return shares_gap_; }

  // Checkpoints: the market's replicated state, the investors' totals and the daily history the
  // end-of-run diagnostics read (the investors' own state is in checkpoint_slice()).
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t) {
    serialize_in_place(ar, stocks_, "stocks");
    ar(investors_, mm_cash_, inflows_, opening_money_, fundamentalist_scale_, sentiment_, index_level_,
       index_fundamental_, day_fundamentalist_share_, day_index_, day_index_ratio_, day_index_return_, day_volume_,
       demand_f_, demand_c_, new_price_, volume_, money_gap_, shares_gap_, history_, lender_recovery_);
  }
  io::AgentSlice checkpoint_slice() { return investors_.checkpoint_slice(); }

 private:
  void value_firms(int t, const EnvironmentNow& env);
  // The earnings calendar (agents/earnings_calendar.hpp): this quarter's report days and what the market
  // learns before them (after value_firms), and a listed firm's expected ln fundamental through one
  // trading day (returns it at the day's close).
  void schedule_reports(int t);
  double earnings_day(Stock& s, int d);
  double expected_drift(double story) const;  // per trading day, from the story (per year)
  // Debt-for-equity swaps of listed firms that defaulted this quarter (docs/ODD.md 7.13.1): holders are
  // diluted, the market maker buys the lenders' new shares, the price restarts at the new fundamental.
  void restructure_defaulted();
  void pay_out(int t, const EnvironmentNow& env);
  void consolidate_shares();
  void trade_day(int t, int d);
  void settle(const EnvironmentNow& env);
  void check(int t);
  // AI index price / fundamental: at the last close and the quarter's fundamentals, or (today) at the
  // day's close and the day's fundamentals.
  double ai_ratio(bool today) const;

  Comm& comm_;
  const EquityMarketRules& spec_;
  const FinanceRules& finance_;
  int days_;
  std::vector<Stock> stocks_;
  InvestorPopulation investors_;
  StreamKey noise_key_;
  StreamKey report_key_;
  std::vector<int> typical_report_day_;  // per listed firm, from the scenario's earnings calendar
  double mm_cash_ = 0;
  // This quarter (set in trade_quarter; the check is per quarter, docs/ODD.md 7.16): money into investors and
  // market maker from outside, their money at the quarter's start, and the gross money moved (interest,
  // payouts, issuance, orders) that scales the check's rounding.
  double inflows_ = 0;
  double opening_money_ = 0;
  double gross_flows_ = 0;
  // This quarter's order weight per stock: its market value over the mean stock's at the quarter's open.
  std::vector<double> order_weight_;
  double fundamentalist_scale_ = 0;  // trade scale of today's fundamentalists (reduced)
  double sentiment_ = 1, index_level_ = 100, index_fundamental_ = 100;
  // This quarter, per day: n_f, the index, and per stock the group demands (d * stocks + j) and new price.
  std::vector<double> day_fundamentalist_share_, day_index_, day_index_ratio_, day_index_return_, day_volume_;
  std::vector<double> demand_f_, demand_c_, new_price_;
  double volume_ = 0, money_gap_ = 0, shares_gap_ = 0;
  double lender_recovery_ = 0;  // this quarter: paid to lenders for their new shares in defaults, USD billion
  std::vector<Series> history_;
};

}  // namespace megacycle

CEREAL_CLASS_VERSION(megacycle::Stock, 2);
CEREAL_CLASS_VERSION(megacycle::EquityMarket, 2);
