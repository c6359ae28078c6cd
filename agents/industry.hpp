#pragma once
// The AI industry: chip vendors, hyperscalers and AI labs, the money ledger they pay through, and the
// compute and chip markets that couple them (docs/ODD.md, "Markets, in the order of one quarter"). It
// registers every firm once, as a view (agents/firm.hpp), in a fixed order: hyperscalers, chip vendors,
// AI labs; totals, firms.csv and the equity market's listings go through that list.
// Global agents: every rank holds all of them and computes them identically from the same reduced
// enterprise totals, so no communication is needed and results do not depend on the rank count.
#include <string>
#include <vector>

#include "agents/accounts.hpp"
#include "agents/ai_labs.hpp"
#include "agents/chip_vendors.hpp"
#include "agents/environment.hpp"
#include "agents/firm.hpp"
#include "agents/hyperscalers.hpp"
#include "engine/io/csv.hpp"
#include "scenario.pb.h"

namespace megacycle {

class Industry {
 public:
  Industry(const Scenario& scenario, const EnvironmentPaths& paths);
  // The firm views point into this industry: it stays where it was built.
  Industry(const Industry&) = delete;
  Industry& operator=(const Industry&) = delete;

  // Steps 1-3 of the quarter: power connections, vendors' prices and supply, hyperscalers' plans.
  void open_quarter(int quarter, const EnvironmentNow& env);
  // Step 5: the compute market; `adopters` (weighted) sets the AI labs' revenue.
  void clear_compute(int quarter, const std::vector<double>& enterprise_demand_by_provider, double adopters);
  // Steps 6-7: the chip market and every firm's accounts; then checks stock-flow consistency.
  void close_quarter(int quarter);

  // Reflexivity: each hyperscaler's equity risk premium from its stock's valuation (docs/ODD.md).
  void set_equity_risk_premia(const std::vector<double>& premium_by_hyperscaler);

  // Prices and served shares the enterprises see next (one entry per hyperscaler).
  std::vector<double> prices() const;
  std::vector<double> served_shares() const;
  std::vector<double> attractiveness() const;
  // Mean posted compute price, weighted by enterprises' demand at each provider last quarter (by
  // customer attractiveness before any): the price level enterprises' adoption responds to.
  double price_index() const;

  // Every firm, hyperscalers first, then chip vendors, then AI labs.
  const std::vector<FirmView>& firms() const { return firms_; }

  // quarterly.csv columns of the industry.
  std::vector<std::string> quarterly_header() const;
  std::vector<io::CsvWriter::Cell> quarterly_row() const;
  // firms.csv (one row per firm per quarter): the industry's columns, with what a firm type that does not
  // fill a column writes there; and a firm's row: the columns every firm has, then its type's own.
  static std::vector<Column> firm_columns();
  void firm_row(const FirmView& firm, int quarter, const std::string& period, NamedRow& row) const;

  const Ledger& ledger() const { return ledger_; }
  const Hyperscalers& hyperscalers() const { return hyperscalers_; }
  const ChipVendors& vendors() const { return vendors_; }
  const AiLabs& labs() const { return labs_; }
  // Largest relative gap of the last quarter: money (ledger total vs opening) and any firm's books.
  double money_gap() const;
  double books_gap() const;
  // Lenders' claims: the firms' debt against the opening debt plus the flows that change it (borrowing,
  // repayment, write-offs and debt-for-equity swaps in defaults), relative to the debt.
  double claims_gap() const;

  // Checkpoints: the ledger, every firm, and the quarter's environment and opening adopters.
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t) {
    ar(ledger_, vendors_, hyperscalers_, labs_, env_, adopters_at_start_, claims_);
  }

 private:
  const Scenario& scenario_;
  Ledger ledger_;
  ChipVendors vendors_;
  Hyperscalers hyperscalers_;
  AiLabs labs_;
  std::vector<FirmView> firms_;
  EnvironmentNow env_;
  double adopters_at_start_ = -1;
  double claims_ = 0;  // opening debt plus borrowing less repayment, write-offs and swaps, summed over firms
};

}  // namespace megacycle

CEREAL_CLASS_VERSION(megacycle::Industry, 2);
