#include "agents/economy.hpp"

#include <fmt/core.h>

#include <cmath>

#include "engine/failure.hpp"

namespace megacycle {
namespace {

PiecewiseLinear to_path(const Schedule& schedule, double fallback) {
  std::vector<std::pair<double, double>> knots;
  for (const auto& point : schedule.point()) knots.emplace_back(point.quarter(), point.value());
  return PiecewiseLinear(std::move(knots), fallback);
}

double share(double part, double whole) { return whole > 0 ? part / whole : 0.0; }

std::string sector_name(const Scenario& s, std::size_t i) {
  return s.enterprises().sector_size() ? s.enterprises().sector(static_cast<int>(i)).name() : "all";
}

}  // namespace

Economy::Economy(Comm& comm, const Scenario& scenario, std::uint32_t replicate)
    : comm_(comm),
      scenario_(scenario),
      compute_price_(to_path(scenario.environment().compute_price(),
                             scenario.environment().reference_price_usd_per_unit_hour())),
      capability_(to_path(scenario.environment().capability_index(), 1.0)),
      efficiency_(to_path(scenario.environment().algorithmic_efficiency(), 1.0)),
      enterprises_(comm, scenario, replicate),
      totals_(enterprises_.aggregate(comm)) {
  // The order of MODEL.md's quarter, as far as it is built: environment, enterprises, metrics.
  phases_.add("environment", [this](int t) { current_ = conditions(t); });
  phases_.add("enterprise_decisions", [this](int t) { enterprises_.step(t, current_); });
  phases_.add("numerical_guard", [this](int t) {
    enterprises_.check_finite(comm_, fmt::format("in quarter {} ({})", t, period(t)), false);
  });
  phases_.add("enterprise_aggregates", [this](int t) {
    totals_ = enterprises_.aggregate(comm_);
    check_totals(t);
  });
  phases_.add("peer_exchange", [this](int) { enterprises_.exchange_peers(comm_); });
}

EnterpriseConditions Economy::conditions(int t) const {
  const auto& env = scenario_.environment();
  const auto& e = scenario_.enterprises();
  const double price = compute_price_.at(t);
  const double capability = capability_.at(t);
  const double efficiency = efficiency_.at(t);
  const double relative_price = price / env.reference_price_usd_per_unit_hour();
  const double epsilon = e.usage().price_elasticity();
  const double kappa_rel = std::pow(capability, e.usage().capability_elasticity()) / efficiency;

  EnterpriseConditions c;
  c.compute_price = price;
  c.hazard_price_term = std::pow(relative_price, -e.adoption().price_elasticity());
  c.usage_per_usd_m = e.usage().intensity_units_per_usd_m() * kappa_rel * std::pow(relative_price, -epsilon);
  // Value grows with capability, spend with kappa_t * P^(1-epsilon): ROI relative to reference conditions.
  c.roi_factor = capability / (kappa_rel * std::pow(relative_price, 1.0 - epsilon));

  // Imitation reads last quarter's shares (synchronous update). Without peers, the sector carries it all.
  const int k = e.network().degree();
  const double q = e.adoption().bass_q_per_year() / 4.0;
  const double omega = k > 0 ? e.network().peer_weight() : 0.0;
  c.peer_coefficient = k > 0 ? q * omega / k : 0.0;
  for (std::size_t s = 0; s < totals_.firms_by_sector.size(); ++s)
    c.imitation.push_back(q * (1.0 - omega) * share(totals_.adopters_by_sector[s], totals_.firms_by_sector[s]));
  return c;
}

void Economy::run_quarter(int t) {
  phases_.run_quarter(t);
  last_quarter_ = t;
}

void Economy::check_totals(int t) const {
  // Every rank holds the same totals, so every rank fails alike; agreed() prints the message once.
  agreed(comm_, [&] {
    const auto row = quarterly_row_for(t);
    for (std::size_t c = 0; c < row.size(); ++c)
      if (const double* v = std::get_if<double>(&row[c]); v && !std::isfinite(*v))
        throw Error(fmt::format("enterprises: aggregate {} = {} in quarter {} ({}): a non-finite value",
                                quarterly_header()[c], *v, t, period(t)));
  });
}

std::string Economy::period(int t) const {
  const int q = scenario_.start_quarter() - 1 + t;
  return fmt::format("{}Q{}", scenario_.start_year() + q / 4, q % 4 + 1);
}

std::uint64_t Economy::agents() const { return enterprises_.partition().population(); }

std::vector<std::string> Economy::quarterly_header() const {
  std::vector<std::string> h = {"quarter", "period", "compute_price_usd_per_unit_hour", "capability_index",
                                "algorithmic_efficiency"};
  for (const char* stage : kStageNames) h.push_back(fmt::format("firms_{}", stage));
  h.insert(h.end(), {"adopters", "adoption_share"});
  for (const char* size : kSizeClassNames) h.push_back(fmt::format("adoption_share_{}", size));
  for (std::size_t s = 0; s < totals_.firms_by_sector.size(); ++s)
    h.push_back("adoption_share_sector_" + sector_name(scenario_, s));
  h.insert(h.end(), {"new_pilots", "new_production", "churned_from_pilot", "churned_from_production", "churn",
                     "compute_demand_units", "mean_production_roi"});
  return h;
}

std::vector<io::CsvWriter::Cell> Economy::quarterly_row() const { return quarterly_row_for(last_quarter_); }

std::vector<io::CsvWriter::Cell> Economy::quarterly_row_for(int t) const {
  const auto& a = totals_;
  std::vector<io::CsvWriter::Cell> row = {static_cast<long long>(t), period(t), compute_price_.at(t),
                                          capability_.at(t), efficiency_.at(t)};
  for (double firms : a.firms_by_stage) row.emplace_back(firms);
  row.emplace_back(a.adopters());
  row.emplace_back(share(a.adopters(), a.firms()));
  for (int c = 0; c < kSizeClassCount; ++c) row.emplace_back(share(a.adopters_by_class[c], a.firms_by_class[c]));
  for (std::size_t s = 0; s < a.firms_by_sector.size(); ++s)
    row.emplace_back(share(a.adopters_by_sector[s], a.firms_by_sector[s]));
  row.insert(row.end(), {a.new_pilots, a.new_production, a.churned_from_pilot, a.churned_from_production,
                         a.churned_from_pilot + a.churned_from_production, a.compute_demand_units,
                         share(a.production_roi_weighted, a.firms_by_stage[static_cast<int>(Stage::production)])});
  return row;
}

}  // namespace megacycle
