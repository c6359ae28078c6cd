// Output rows of the equity market: daily.csv, its quarterly.csv columns and its firms.csv columns
// (docs/outputs.md names every column).
#include <numeric>

#include "agents/equity_market.hpp"
#include "engine/finite.hpp"

namespace megacycle {

std::vector<std::string> EquityMarket::daily_header() {
  return {"day",
          "quarter",
          "period",
          "day_in_quarter",
          "stock",
          "price",
          "fundamental",
          "price_to_fundamental",
          "log_return",
          "volume_usd_b",
          "market_value_usd_b",
          "fundamentalist_share",
          "earnings_report",
          "earnings_surprise"};
}

std::vector<std::vector<io::CsvWriter::Cell>> EquityMarket::daily_rows(int t, const std::string& period) const {
  std::vector<std::vector<io::CsvWriter::Cell>> rows;
  for (int d = 0; d < days_; ++d) {
    const auto k = static_cast<std::size_t>(d);
    const long long day = static_cast<long long>(t) * days_ + d;
    const auto start = [&](const std::string& name) {
      return std::vector<io::CsvWriter::Cell>{day, static_cast<long long>(t), period, static_cast<long long>(d), name};
    };
    double ai_value = 0;
    long long reports = 0;
    for (const auto& s : stocks_) {
      auto row = start(s.name);
      const double p = s.day_price[k], f = s.day_fundamental[k];
      const bool report = s.books && d == s.report_day;
      row.insert(row.end(), {p, f, p / f, s.day_return[k], s.day_volume[k], s.shares * p, day_fundamentalist_share_[k],
                             static_cast<long long>(report), report ? s.surprise : 0.0});
      if (s.ai) ai_value += s.shares * p;
      reports += report;
      rows.push_back(std::move(row));
    }
    auto row = start("AI_index");
    const double level = day_index_[k], ratio = day_index_ratio_[k];
    row.insert(row.end(), {level, level / ratio, ratio, day_index_return_[k], day_volume_[k], ai_value,
                           day_fundamentalist_share_[k], reports, 0.0});
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<std::string> EquityMarket::quarterly_header() {
  return {"ai_index",
          "ai_price_to_fundamental",
          "market_price_to_fundamental",
          "ai_share_of_market_value",
          "ai_market_value_usd_b",
          "fundamentalist_share",
          "equity_volume_usd_b",
          "investor_wealth_usd_b",
          "investor_cash_usd_b",
          "market_maker_inventory_usd_b",
          "market_maker_cash_usd_b",
          "default_recovery_equity_usd_b",
          "equity_money_gap",
          "equity_shares_gap"};
}

std::vector<io::CsvWriter::Cell> EquityMarket::quarterly_row() const {
  double ai = 0, all = 0, fundamental = 0, inventory = 0;
  for (const auto& s : stocks_) {
    all += s.market_value(), fundamental += s.fundamental_value(), inventory += s.inventory * s.price();
    if (s.ai) ai += s.market_value();
  }
  const double nf = day_fundamentalist_share_.empty()
                        ? 0.0
                        : std::accumulate(day_fundamentalist_share_.begin(), day_fundamentalist_share_.end(), 0.0) /
                              static_cast<double>(day_fundamentalist_share_.size());
  const auto& inv = investors_.totals();
  return {index_level_,
          sentiment_,
          ratio_or_zero(all, fundamental),
          ratio_or_zero(ai, all),
          ai,
          nf,
          volume_,
          inv.wealth,
          inv.cash,
          inventory,
          mm_cash_,
          lender_recovery_,
          money_gap_,
          shares_gap_};
}

std::vector<Column> EquityMarket::firm_columns() {
  std::vector<Column> columns;
  for (const char* name : {"share_price_usd", "fundamental_per_share_usd", "price_to_fundamental", "market_value_usd_b",
                           "shares_outstanding_b", "expected_growth_per_year"})
    columns.push_back({name, std::string()});
  return columns;
}

void EquityMarket::firm_row(std::size_t j, NamedRow& row) const {
  const auto& s = stocks_[j];
  row.set("share_price_usd", s.price());
  row.set("fundamental_per_share_usd", s.fundamental);
  row.set("price_to_fundamental", price_to_fundamental(j));
  row.set("market_value_usd_b", s.market_value());
  row.set("shares_outstanding_b", s.shares);
  row.set("expected_growth_per_year", s.expected_growth);
}

}  // namespace megacycle
