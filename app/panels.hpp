#pragma once
// Per-agent panels of a run (megacycle run --panel enterprises,investors --panel-every N): which
// columns of the enterprise and investor populations go into DIR/panel.h5, and when. The file is
// written in parallel by every rank (engine/io/panel_hdf5.hpp: layout, attributes); docs/outputs.md
// ("panel.h5") describes every column. S snapshots (after every N quarters and after the last), N agents:
//   /enterprises  quarter, period [S]; static [N]: id, sector (code), size_class (code), employees,
//                 revenue_usd_m_per_year, innovativeness, productivity, weight; dynamic [S, N]: stage (code),
//                 quarters_in_stage, provider (code, -1 = non-adopter), compute_demand_units, roi (NaN for a
//                 non-adopter), low_roi_quarters
//   /investors    quarter, period [S]; stock [K] (names); static [N]: id, weight, reaction_strength;
//                 dynamic [S, N]: strategy (code), cash_usd_b, wealth_usd_b, trade_scale_usd_b, and
//                 holdings_b_shares [S, N, K]
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agents/economy.hpp"
#include "app/options.hpp"
#include "engine/comm.hpp"
#include "engine/io/panel_hdf5.hpp"
#include "manifest.pb.h"
#include "scenario.pb.h"

namespace megacycle {

// The options of --panel NAME,... and --panel-every N for `scenario`. Throws InputError (exit status 2)
// for an unknown name (the message lists the allowed ones), N < 1, or investors without an equity market.
PanelOptions panel_options(const std::vector<std::string>& names, int every_quarters, const Scenario& scenario);

// Whether quarter t (0-based) of a run of `quarters` quarters gets a snapshot.
bool panel_snapshot_due(int t, int quarters, int every_quarters);

class Panels {
 public:
  using Clock = std::chrono::steady_clock;

  // Creates `path` and writes the static columns. Collective: every rank of `comm` constructs it.
  Panels(Comm& comm, const Economy& economy, const Scenario& scenario, const Manifest& manifest,
         const PanelOptions& options, const std::filesystem::path& path);
  // After quarter t has run: appends a snapshot when one is due. Collective.
  void quarter_done(int t);
  // Closes the file. Collective.
  void close();
  // Wall seconds spent writing (this rank), set-up and close included.
  double seconds() const { return seconds_; }

 private:
  void append_enterprises(int t);
  void append_investors(int t);

  const Economy& economy_;
  const Scenario& scenario_;
  PanelOptions options_;
  Clock::time_point started_;  // before the file is created: seconds() counts that too
  io::PanelFile file_;
  io::PanelGroup* enterprises_ = nullptr;
  io::PanelGroup* investors_ = nullptr;
  double seconds_ = 0;
};

}  // namespace megacycle
