#pragma once
// The economy of one run: its populations, the exogenous environment and the phases of a quarter
// (docs/ODD.md, "Process overview and scheduling"), and the output files its parts declare. Everything here
// is computed identically on every rank except the agent loops, which each rank runs over the agents it owns.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agents/enterprise.hpp"
#include "agents/environment.hpp"
#include "agents/equity_market.hpp"
#include "agents/industry.hpp"
#include "agents/output_table.hpp"
#include "engine/comm.hpp"
#include "engine/io/csv.hpp"
#include "engine/phases.hpp"
#include "engine/piecewise.hpp"
#include "scenario.pb.h"

namespace megacycle {

class Economy {
 public:
  // Collective: every rank constructs its Economy together.
  Economy(Comm& comm, const Scenario& scenario, std::uint32_t replicate);

  // Runs the phases of quarter t (0-based). Collective.
  void run_quarter(int t);
  int quarters() const { return scenario_.quarters(); }
  // Calendar label of quarter t, e.g. "2026Q3".
  std::string period(int t) const;
  // Agents updated per quarter, all ranks together.
  std::uint64_t agents() const;

  // quarterly.csv: header, and the row of the quarter last run (docs/outputs.md names every column).
  std::vector<std::string> quarterly_header() const;
  std::vector<io::CsvWriter::Cell> quarterly_row() const;

  const PhaseList& phases() const { return phases_; }
  PhaseList& phases() { return phases_; }
  const EnterprisePopulation& enterprises() const { return enterprises_; }
  EnterprisePopulation& enterprises() { return enterprises_; }
  const EnterpriseAggregates& enterprise_totals() const { return totals_; }
  // The conditions enterprises saw in the quarter last run (prices, ROI factors per provider).
  const EnterpriseConditions& enterprise_conditions() const { return current_; }
  // The AI industry, or null when the scenario lists no hyperscaler (enterprises face a price schedule).
  const Industry* industry() const { return industry_ ? &*industry_ : nullptr; }
  // The equity market, or null without an industry or without investors.
  const EquityMarket* equity_market() const { return equity_market_ ? &*equity_market_ : nullptr; }
  // Investors updated per trading day, all ranks together (0 without a market).
  std::uint64_t investors() const { return equity_market_ ? equity_market_->investors() : 0; }

  // Every file the run writes besides panels and the manifest (docs/outputs.md), collected from the parts
  // present: quarterly.csv; with an industry firms.csv, one row per firm view with the industry's columns,
  // then the market's for listed firms; with a market daily.csv and the end-of-run diagnostics. The
  // declarations read this economy, which must outlive them.
  Outputs outputs() const;

  // Checkpoints (app/checkpoint.hpp). The state every rank holds alike: the quarter's environment,
  // conditions and totals, the industry and the market. Loaded into an Economy built afresh from the
  // same scenario, whose fixed parts (traits, network, paths) are the same by construction.
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t) {
    bool industry = industry_.has_value(), market = equity_market_.has_value();
    ar(industry, market);
    if (industry != industry_.has_value() || market != equity_market_.has_value())
      throw InputError(
          "checkpoint: the industry or equity market is present in one of the checkpoint and the run only");
    ar(env_, totals_, current_, last_quarter_);
    if (industry_) ar(*industry_);
    if (equity_market_) ar(*equity_market_);
  }
  // This rank's per-agent state, by population (enterprises, and investors with a market).
  std::vector<io::AgentSlice> checkpoint_slices();
  // After the slices were loaded: rebuilds what derives from them (the peer view). Collective.
  void restored();

 private:
  EnterpriseConditions conditions(int t) const;
  // Sets this quarter's sentiment and equity premia from the market's last close.
  void read_market();
  // The output row from the current totals, labelled as quarter t.
  std::vector<io::CsvWriter::Cell> quarterly_row_for(int t) const;
  // Stops the run if any aggregate is NaN or infinite (all ranks hold the same totals).
  void check_totals(int t) const;

  Comm& comm_;
  const Scenario& scenario_;
  EnvironmentPaths paths_;
  EnvironmentNow env_;  // the current quarter's environment
  EnterprisePopulation enterprises_;
  std::optional<Industry> industry_;
  std::optional<EquityMarket> equity_market_;
  EnterpriseAggregates totals_;  // after the last quarter run (before quarter 0: the initial state)
  EnterpriseConditions current_;
  int last_quarter_ = -1;
  PhaseList phases_;
};

}  // namespace megacycle

CEREAL_CLASS_VERSION(megacycle::Economy, 1);
