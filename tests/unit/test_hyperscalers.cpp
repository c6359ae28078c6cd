// Hyperscalers (agents/hyperscalers.hpp) and the environment paths they read: the fading-growth closed
// form, the price rule (down when utilisation is below target, up above it, the technology trend
// passed through, never below marginal cost), and a whole industry (two hyperscalers, a merchant
// vendor, a custom-ASIC partner, an AI lab) run quarter by quarter on synthetic enterprise demand with
// its stock-flow check. Scenarios are built here, not read from scenarios/.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "agents/chip_vendors.hpp"
#include "agents/environment.hpp"
#include "agents/hyperscalers.hpp"
#include "agents/industry.hpp"
#include "engine/error.hpp"

namespace megacycle {
namespace {

// ---------------------------------------------------------------------------------------------------
// Environment
// ---------------------------------------------------------------------------------------------------

TEST(FadingGrowth, ClosedFormForSmallCases) {
  EXPECT_EQ(fading_growth(0.5, 4.0, 0), 1.0);
  EXPECT_DOUBLE_EQ(fading_growth(0.5, 4.0, 1), std::pow(1.5, 0.25));  // the first quarter grows at the full rate
  // Quarter k grows at (1 + g 0.5^(k / (4 h)))^(1/4).
  const double g = 1.2, h = 2.0;
  const double two = std::pow(1 + g, 0.25) * std::pow(1 + g * std::pow(0.5, 1 / (4 * h)), 0.25);
  EXPECT_DOUBLE_EQ(fading_growth(g, h, 2), two);
  double level = 1;
  for (int k = 0; k < 12; ++k) level *= std::pow(1 + g * std::pow(0.5, k / (4 * h)), 0.25);
  EXPECT_NEAR(fading_growth(g, h, 12), level, 1e-12 * level);
  // With a half-life of one year, the rate in quarter 4 is half the starting one.
  EXPECT_NEAR(fading_growth(1.0, 1.0, 5) / fading_growth(1.0, 1.0, 4), std::pow(1.5, 0.25), 1e-12);
}

TEST(FadingGrowth, LimitsAndSigns) {
  EXPECT_EQ(fading_growth(0.0, 4.0, 20), 1.0);                          // no growth
  EXPECT_NEAR(fading_growth(0.3, 1e9, 8), 1.3 * 1.3, 1e-6);             // no fading: compound
  EXPECT_LT(fading_growth(-0.2, 4.0, 8), 1.0);                          // decline
  EXPECT_GT(fading_growth(0.5, 4.0, 40), fading_growth(0.5, 1.0, 40));  // faster fading, less growth
  // A long run with fast fading levels off: later years add almost nothing.
  EXPECT_NEAR(fading_growth(1.0, 0.25, 200) / fading_growth(1.0, 0.25, 100), 1.0, 1e-9);
}

TEST(EnvironmentPaths, SchedulesAndTechnology) {
  Scenario s;
  s.mutable_environment()->set_price_performance_doubling_years(2.0);
  auto* hazard = s.mutable_environment()->mutable_adoption_hazard_multiplier();
  auto* p = hazard->add_point();
  p->set_quarter(8);
  p->set_value(1.0);
  p = hazard->add_point();
  p->set_quarter(9);
  p->set_value(0.0);  // a dated shock: two points one quarter apart
  const EnvironmentPaths paths(s);
  EXPECT_EQ(paths.at(0).adoption_hazard_multiplier, 1.0);
  EXPECT_EQ(paths.at(8).adoption_hazard_multiplier, 1.0);
  EXPECT_EQ(paths.at(9).adoption_hazard_multiplier, 0.0);
  EXPECT_EQ(paths.at(30).adoption_hazard_multiplier, 0.0);
  // Documented defaults of empty schedules.
  EXPECT_EQ(paths.at(5).capability, 1.0);
  EXPECT_EQ(paths.at(5).risk_free_rate, 0.04);
  EXPECT_EQ(paths.at(5).energy_price, 80.0);
  EXPECT_EQ(paths.at(5).export_control_share, 0.0);
  EXPECT_DOUBLE_EQ(paths.technology_step(), std::pow(2.0, 1.0 / 8.0));
  EXPECT_NEAR(paths.at(8).technology, 2.0, 1e-12);
}

// ---------------------------------------------------------------------------------------------------
// A small industry
// ---------------------------------------------------------------------------------------------------

Scenario industry(int quarters = 12) {
  Scenario s;
  s.set_quarters(quarters);
  auto* rules = s.mutable_hyperscaler_rules();
  rules->set_target_utilisation(0.8);
  rules->set_price_adjustment(0.3);
  rules->set_price_technology_pass_through(0.5);
  rules->set_operating_cost_usd_per_unit_hour(0.15);
  rules->set_power_kw_per_unit(1.4);

  auto* a = s.add_hyperscaler();
  a->set_name("BigCloud");
  a->set_legacy_revenue_usd_b_per_year(100);
  a->set_initial_capacity_units(1e5);
  a->set_initial_powered_mw(200);
  a->set_initial_mw_under_construction(100);
  a->set_initial_backlog_units(2e4);
  a->set_initial_capex_usd_b_per_year(5);
  a->set_initial_cash_usd_b(20);
  a->set_initial_debt_usd_b(10);
  a->set_initial_price_usd_per_unit_hour(2.0);
  a->set_customer_attractiveness(1.0);
  a->set_internal_demand_units(2e4);
  a->set_internal_demand_growth_per_year(0.3);
  a->set_own_silicon_share(0.3);
  a->set_own_silicon_capacity_units_per_quarter(1e4);
  a->set_own_silicon_design_usd_b_per_quarter(0.1);

  auto* b = s.add_hyperscaler();
  b->set_name("Neocloud");
  b->set_big_tech(false);
  b->set_legacy_revenue_usd_b_per_year(0);
  b->set_legacy_cash_margin(0);
  b->set_initial_capacity_units(5e4);
  b->set_initial_powered_mw(100);
  b->set_initial_mw_under_construction(50);
  b->set_initial_capex_usd_b_per_year(3);
  b->set_initial_cash_usd_b(5);
  b->set_initial_debt_usd_b(5);
  b->set_initial_price_usd_per_unit_hour(1.8);
  b->set_customer_attractiveness(0.5);
  b->set_internal_demand_units(0);

  auto* m = s.add_chip_vendor();
  m->set_name("Merchant");
  m->set_initial_capacity_units_per_quarter(5e4);
  m->set_initial_price_usd_per_unit(20000);
  m->set_unit_cost_usd(6000);
  m->set_other_demand_units_per_quarter(1e4);
  m->set_operating_expense_usd_b_per_quarter(0.1);
  m->set_initial_cash_usd_b(5);
  m->set_initial_debt_usd_b(1);
  auto* asic = s.add_chip_vendor();
  asic->set_name("Asic");
  asic->set_custom_asic(true);
  asic->set_initial_capacity_units_per_quarter(2e4);
  asic->set_initial_price_usd_per_unit(6500);
  asic->set_unit_cost_usd(5000);
  asic->set_operating_expense_usd_b_per_quarter(0.05);
  asic->set_initial_cash_usd_b(2);
  asic->set_initial_debt_usd_b(1);

  auto* lab = s.add_ai_lab();
  lab->set_name("Lab");
  lab->set_provider("BigCloud");
  lab->set_initial_compute_units(1e4);
  lab->set_initial_revenue_usd_b_per_year(0.2);
  lab->set_staff_cost_usd_b_per_quarter(0.05);
  lab->set_initial_cash_usd_b(1);
  return s;
}

EnvironmentNow flat_env() {
  EnvironmentNow e;
  e.energy_price = 80;
  e.risk_free_rate = 0.04;
  e.investor_sentiment = 1.0;
  e.grid_connection_mw = 1000;
  return e;
}

// One quarter of the price rule for firm 0 at utilisation u (nothing else happens that quarter).
double next_price(Hyperscalers& hs, int t, double u, const EnvironmentNow& e) {
  FinanceRules finance;
  hs.connect_power(t, e);
  auto& h = hs[0];
  h.utilisation = u;
  h.served = u * h.installed();
  hs.account(t, e, finance);
  EXPECT_LT(h.books.consistency_gap(), 1e-12) << "quarter " << t;
  return h.price;
}

// Marginal cost of a unit-hour of firm h: energy at its fleet's average draw, plus operating cost.
double marginal_cost(const HyperscalerState& h, const Scenario& s, const EnvironmentNow& e) {
  const double kw = h.chips.power_mw() * 1000.0 / h.installed();
  return kw / 1000.0 * e.energy_price + s.hyperscaler_rules().operating_cost_usd_per_unit_hour();
}

TEST(HyperscalerPrice, FallsBelowTargetUtilisationAndRisesAbove) {
  const Scenario s = industry();
  const EnvironmentNow e = flat_env();
  for (double u : {0.2, 0.5, 0.8, 0.95, 1.0}) {
    Ledger ledger;
    ChipVendors vendors(s, ledger, 2, 1.0);
    Hyperscalers hs(s, ledger, vendors, 1.0);  // no technology trend: utilisation alone moves the price
    const double p0 = hs[0].price;
    const double p1 = next_price(hs, 0, u, e);
    EXPECT_DOUBLE_EQ(p1, p0 * (1 + 0.3 * (u - 0.8))) << "utilisation " << u;
    if (u < 0.8) {
      EXPECT_LT(p1, p0) << "utilisation " << u;
    }
    if (u == 0.8) {
      EXPECT_EQ(p1, p0);
    }
    if (u > 0.8) {
      EXPECT_GT(p1, p0) << "utilisation " << u;
    }
  }
}

TEST(HyperscalerPrice, PassesPartOfTheTechnologyTrendThrough) {
  const Scenario s = industry();
  const double step = std::pow(2.0, 1.0 / 8.0);
  Ledger ledger;
  ChipVendors vendors(s, ledger, 2, step);
  Hyperscalers hs(s, ledger, vendors, step);
  const double p0 = hs[0].price;
  // At the target utilisation only the trend moves the price: half of the quarterly cost decline.
  EXPECT_NEAR(next_price(hs, 0, 0.8, flat_env()), p0 * (1 - 0.5 * (1 - 1 / step)), 1e-12);
}

TEST(HyperscalerPrice, NeverFallsBelowMarginalCost) {
  Scenario s = industry();
  // Operating cost close to the price: a few idle quarters reach the floor, and the price stays there.
  s.mutable_hyperscaler_rules()->set_operating_cost_usd_per_unit_hour(1.2);
  const EnvironmentNow e = flat_env();
  Ledger ledger;
  ChipVendors vendors(s, ledger, 2, 1.0);
  Hyperscalers hs(s, ledger, vendors, 1.0);
  const double marginal = marginal_cost(hs[0], s, e);
  EXPECT_NEAR(marginal, 1.4 / 1000 * 80 + 1.2, 1e-12);  // every opening chip draws 1.4 kW without a trend
  double previous = hs[0].price;
  bool floored = false;
  for (int t = 0; t < 10; ++t) {
    const double p = next_price(hs, t, 0.0, e);
    ASSERT_GE(p, marginal * (1 - 1e-12)) << "quarter " << t;
    EXPECT_LE(p, previous) << "quarter " << t;
    floored = floored || p == marginal;
    if (floored) {
      EXPECT_DOUBLE_EQ(p, marginal) << "quarter " << t;
    }
    previous = p;
  }
  EXPECT_TRUE(floored) << "ten idle quarters never reached marginal cost";
}

TEST(HyperscalerPrice, StaysInsideTheBandAroundItsTrend) {
  // A lasting glut (utilisation 0) and a lasting shortage (utilisation 1), with the technology trend on:
  // the price stops at price_band_low x trend and at price_band_high x trend, where the trend is the
  // opening price falling at the pass-through rate, and stays there instead of compounding.
  Scenario s = industry(30);  // the firms' schedules (construction spend) cover the run's quarters
  s.mutable_hyperscaler_rules()->set_price_band_low(0.6);
  s.mutable_hyperscaler_rules()->set_price_band_high(1.5);
  const double step = std::pow(2.0, 1.0 / 8.0);
  const double decline = 1 - 0.5 * (1 - 1 / step);
  for (double u : {0.0, 1.0}) {
    Ledger ledger;
    ChipVendors vendors(s, ledger, 2, step);
    Hyperscalers hs(s, ledger, vendors, step);
    const double p0 = hs[0].price, band = u < 0.8 ? 0.6 : 1.5;
    int quarters_on_band = 0;
    for (int t = 0; t < 30; ++t) {
      const double p = next_price(hs, t, u, flat_env()), trend = p0 * std::pow(decline, t + 1);
      ASSERT_GE(p, 0.6 * trend * (1 - 1e-12)) << "utilisation " << u << ", quarter " << t;
      ASSERT_LE(p, 1.5 * trend * (1 + 1e-12)) << "utilisation " << u << ", quarter " << t;
      if (std::abs(p / (band * trend) - 1) < 1e-12) ++quarters_on_band;
    }
    EXPECT_GT(quarters_on_band, 20) << "utilisation " << u << ": the price never settled on its band";
  }
}

TEST(Hyperscalers, InternalDemandFollowsFadingGrowth) {
  const Scenario s = industry();
  Ledger ledger;
  ChipVendors vendors(s, ledger, 2, 1.0);
  Hyperscalers hs(s, ledger, vendors, 1.0);
  for (int t : {0, 1, 7, 20})
    EXPECT_DOUBLE_EQ(hs.internal_demand(0, t), 2e4 * fading_growth(0.3, 4.0, t)) << "quarter " << t;
  EXPECT_EQ(hs.internal_demand(1, 9), 0.0);
}

// Runs the industry for s.quarters() quarters with enterprise demand growing by `growth` a quarter
// from 8e4 units (2:1 between the providers). close_quarter() throws on any stock-flow gap.
struct IndustryRun {
  std::vector<double> utilisation, price, capex;
};

IndustryRun run_industry(const Scenario& s, double growth) {
  const EnvironmentPaths paths(s);
  Industry ind(s, paths);
  IndustryRun out;
  for (int t = 0; t < s.quarters(); ++t) {
    const EnvironmentNow env = paths.at(t);
    ind.open_quarter(t, env);
    const double demand = 8e4 * std::pow(growth, t);
    ind.clear_compute(t, {demand * 2 / 3, demand / 3}, 1e5 * std::pow(growth, t));
    EXPECT_NO_THROW(ind.close_quarter(t)) << "quarter " << t;
    EXPECT_LE(ind.money_gap(), 1e-9) << "quarter " << t;
    EXPECT_LE(ind.books_gap(), 1e-9) << "quarter " << t;
    const auto& ledger = ind.ledger();
    EXPECT_NEAR(ledger.total(), ledger.opening_total(), 1e-9 * std::abs(ledger.opening_total()));
    double served = 0, capacity = 0, capex = 0;
    for (std::size_t i = 0; i < ind.hyperscalers().size(); ++i) {
      const auto& h = ind.hyperscalers()[i];
      served += h.served, capacity += h.usable_capacity, capex += h.capex();
      EXPECT_GT(h.price, 0.0);
      EXPECT_LE(h.served, h.demand() * (1 + 1e-12));
      EXPECT_LE(h.served, h.usable_capacity * (1 + 1e-12));
    }
    out.utilisation.push_back(capacity > 0 ? served / capacity : 0.0);
    out.price.push_back(ind.price_index());
    out.capex.push_back(capex);
  }
  return out;
}

TEST(Industry, StockFlowConsistentEveryQuarter) {
  Scenario s = industry(16);
  s.mutable_environment()->mutable_capex_subsidy_rate()->add_point()->set_value(0.1);  // subsidies too
  const auto run = run_industry(s, 1.05);
  EXPECT_EQ(run.price.size(), 16u);
}

// One list of firm views in a fixed order (hyperscalers, chip vendors, AI labs); the listed ones are
// numbered in that order for the equity market; a firms.csv row is filled by name, the rest left absent.
TEST(Industry, ListsEveryFirmOnceInOrder) {
  const Scenario s = industry();
  const EnvironmentPaths paths(s);
  const Industry ind(s, paths);
  const auto& firms = ind.firms();
  ASSERT_EQ(firms.size(), ind.hyperscalers().size() + ind.vendors().size() + ind.labs().size());
  std::size_t k = 0, listed = 0;
  for (std::size_t i = 0; i < ind.hyperscalers().size(); ++i, ++k) {
    EXPECT_EQ(firms[k].type, "hyperscaler");
    EXPECT_EQ(firms[k].name, ind.hyperscalers()[i].name());
    EXPECT_EQ(firms[k].books, &ind.hyperscalers()[i].books);
    ASSERT_TRUE(firms[k].listing.has_value());
    EXPECT_EQ(firms[k].stock, listed++);
  }
  for (std::size_t v = 0; v < ind.vendors().size(); ++v, ++k) {
    EXPECT_EQ(firms[k].type, "chip_vendor");
    EXPECT_EQ(firms[k].name, ind.vendors()[v].name());
    ASSERT_TRUE(firms[k].listing.has_value());
    EXPECT_EQ(firms[k].stock, listed++);
  }
  for (std::size_t l = 0; l < ind.labs().size(); ++l, ++k) {
    EXPECT_EQ(firms[k].type, "ai_lab");
    EXPECT_EQ(firms[k].name, ind.labs()[l].name());
    EXPECT_FALSE(firms[k].listing.has_value());
  }
  const auto columns = Industry::firm_columns();
  NamedRow row(columns);
  ind.firm_row(firms.back(), 0, "2026Q1", row);
  const Row cells = std::move(row).take();
  const auto names = column_names(columns);
  const auto at = [&](const char* name) {
    return cells[static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin())];
  };
  EXPECT_EQ(at("type"), io::CsvWriter::Cell{std::string("ai_lab")});
  EXPECT_EQ(at("capex_usd_b"), io::CsvWriter::Cell{0.0});  // labs have no capex column of their own
  NamedRow other(columns);
  EXPECT_THROW(other.set("no_such_column", 1.0), Error);
}

TEST(Industry, StalledDemandLowersUtilisationAndPrices) {
  // The same industry facing enterprise demand that grows 8% a quarter or not at all: with demand
  // flat, the capacity ordered on the old growth forecasts pushes utilisation below target and the
  // compute price down, below the growing case.
  Scenario s = industry(12);
  s.mutable_hyperscaler(0)->set_internal_demand_growth_per_year(0.0);
  s.mutable_ai_lab(0)->set_compute_growth_per_year(0.0);
  const auto growing = run_industry(s, 1.08), flat = run_industry(s, 1.0);
  const std::size_t last = 11;
  EXPECT_LT(flat.utilisation[last], 0.8);
  EXPECT_LT(flat.utilisation[last], growing.utilisation[last]);
  EXPECT_LT(flat.price[last], flat.price[0]);
  EXPECT_LT(flat.price[last], growing.price[last]);
}

}  // namespace
}  // namespace megacycle
