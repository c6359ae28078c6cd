#include "agents/environment.hpp"

#include <fmt/core.h>

#include <cmath>

#include "engine/error.hpp"
#include "options.pb.h"

namespace megacycle {
namespace {

// The time path of the Environment field `name`: its points, or, without points, the constant level
// that the field's options in proto/scenario.proto give (default_level, or the value of the sibling
// field default_level_field names). The defaults are read from the schema, never written here.
PiecewiseLinear path(const Environment& env, const char* name) {
  const auto* field = Environment::descriptor()->FindFieldByName(name);
  if (!field || field->message_type() != Schedule::descriptor())
    throw Error(fmt::format("environment.{} is not a schedule field of proto/scenario.proto", name));
  const auto& schedule = static_cast<const Schedule&>(Environment::GetReflection()->GetMessage(env, field));
  const auto& options = field->options();
  double default_level = options.GetExtension(megacycle::default_level);
  if (options.HasExtension(megacycle::default_level_field)) {
    const auto* level =
        Environment::descriptor()->FindFieldByName(options.GetExtension(megacycle::default_level_field));
    if (!level || level->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_DOUBLE)
      throw Error(fmt::format("environment.{}: its default_level_field names no double field", name));
    default_level = Environment::GetReflection()->GetDouble(env, level);
  }
  std::vector<std::pair<double, double>> knots;
  for (const auto& point : schedule.point()) knots.emplace_back(point.quarter(), point.value());
  return PiecewiseLinear(std::move(knots), default_level);
}

}  // namespace

double fading_growth(double growth_per_year, double half_life_years, int quarters, std::span<const double> multiplier) {
  double level = 1.0;
  for (int k = 0; k < quarters; ++k) {
    const double m = static_cast<std::size_t>(k) < multiplier.size() ? multiplier[static_cast<std::size_t>(k)] : 1.0;
    level *= std::pow(1.0 + m * growth_per_year * std::pow(0.5, k / (4.0 * half_life_years)), 0.25);
  }
  return level;
}

std::vector<double> EnvironmentPaths::demand_growth_multipliers(int quarters) const {
  std::vector<double> m;
  for (int t = 0; t < quarters; ++t) m.push_back(demand_growth_.at(t));
  return m;
}

EnvironmentPaths::EnvironmentPaths(const Scenario& s)
    : compute_price_(path(s.environment(), "compute_price")),
      capability_(path(s.environment(), "capability_index")),
      efficiency_(path(s.environment(), "algorithmic_efficiency")),
      risk_free_(path(s.environment(), "risk_free_rate")),
      premium_(path(s.environment(), "equity_risk_premium")),
      energy_(path(s.environment(), "energy_price_usd_per_mwh")),
      grid_(path(s.environment(), "grid_connection_mw_per_quarter")),
      export_(path(s.environment(), "export_control_share")),
      subsidy_(path(s.environment(), "capex_subsidy_rate")),
      sentiment_(path(s.environment(), "investor_sentiment")),
      hazard_(path(s.environment(), "adoption_hazard_multiplier")),
      demand_growth_(path(s.environment(), "ai_demand_growth_multiplier")),
      productivity_(path(s.environment(), "ai_productivity_multiplier")),
      lab_funding_(path(s.environment(), "ai_lab_funding_multiplier")),
      technology_step_(std::pow(2.0, 1.0 / (4.0 * s.environment().price_performance_doubling_years()))) {}

EnvironmentNow EnvironmentPaths::at(int t) const {
  EnvironmentNow e;
  e.compute_price = compute_price_.at(t);
  e.capability = capability_.at(t);
  e.efficiency = efficiency_.at(t);
  e.risk_free_rate = risk_free_.at(t);
  e.equity_risk_premium = premium_.at(t);
  e.energy_price = energy_.at(t);
  e.grid_connection_mw = grid_.at(t);
  e.export_control_share = export_.at(t);
  e.capex_subsidy_rate = subsidy_.at(t);
  e.investor_sentiment = sentiment_.at(t);
  e.adoption_hazard_multiplier = hazard_.at(t);
  e.ai_demand_growth_multiplier = demand_growth_.at(t);
  e.ai_productivity_multiplier = productivity_.at(t);
  e.ai_lab_funding_multiplier = lab_funding_.at(t);
  e.technology = std::pow(technology_step_, t);
  return e;
}

}  // namespace megacycle
