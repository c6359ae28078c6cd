#pragma once
// The exogenous environment (docs/ODD.md, "Environment"): every scenario schedule as a path over
// quarters, with its documented default level in one place. Identical on every rank.
#include <span>
#include <vector>

#include "engine/piecewise.hpp"
#include "engine/serialize.hpp"
#include "scenario.pb.h"

namespace megacycle {

// Hours in a quarter (365.25 days / 4): turns unit-hour prices into quarterly payments.
inline constexpr double kHoursPerQuarter = 24.0 * 365.25 / 4.0;
// Firm accounts are in USD billions; prices are in USD.
inline constexpr double kBillion = 1e9;

// The environment of one quarter.
struct EnvironmentNow {
  double compute_price = 0;  // USD per unit-hour, used only without hyperscalers
  double capability = 1, efficiency = 1;
  double risk_free_rate = 0, equity_risk_premium = 0;  // per year
  double energy_price = 0;                             // USD per MWh
  double grid_connection_mw = 0;                       // per quarter, all hyperscalers together
  double export_control_share = 0, capex_subsidy_rate = 0, investor_sentiment = 1;
  double adoption_hazard_multiplier = 1, ai_demand_growth_multiplier = 1;
  double ai_productivity_multiplier = 1, ai_lab_funding_multiplier = 1;
  double technology = 1;  // price-performance relative to the start: 2^(t / (4 * doubling years))
};

// Checkpoints: every field, as bytes (a field added to EnvironmentNow is saved without a change here).
template <class Archive>
void serialize(Archive& ar, EnvironmentNow& now) {
  serialize_bytes(ar, now);
}

// Level after `quarters` quarters of growth that starts at growth_per_year and halves every
// half_life_years (1 at quarter 0): how own-use demand and AI-lab compute plans grow. Quarter k's
// growth rate is further multiplied by multiplier[k] where given (environment.ai_demand_growth_multiplier).
double fading_growth(double growth_per_year, double half_life_years, int quarters,
                     std::span<const double> multiplier = {});

class EnvironmentPaths {
 public:
  explicit EnvironmentPaths(const Scenario& scenario);
  EnvironmentNow at(int quarter) const;
  // ai_demand_growth_multiplier for quarters 0..quarters-1 (what fading_growth reads).
  std::vector<double> demand_growth_multipliers(int quarters) const;
  // Price-performance gain per quarter, as a factor (> 1).
  double technology_step() const { return technology_step_; }

 private:
  PiecewiseLinear compute_price_, capability_, efficiency_, risk_free_, premium_, energy_, grid_, export_, subsidy_,
      sentiment_, hazard_, demand_growth_, productivity_, lab_funding_;
  double technology_step_;
};

}  // namespace megacycle
