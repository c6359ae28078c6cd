// The chip market (agents/chip_vendors.hpp): vendors ship pro rata to their backlogs when short (every
// buyer gets the same fill share) and fill every order when long; merchant prices rise with scarcity
// (backlog above target) and stay between unit cost / (1 - min gross margin) and unit cost x (1 + max
// markup); the custom-ASIC partner prices at unit cost x (1 + floor margin). Vendors are built from a Scenario made
// here.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "agents/accounts.hpp"
#include "agents/chip_vendors.hpp"
#include "agents/environment.hpp"

namespace megacycle {
namespace {

constexpr std::size_t kHyperscalers = 2;  // buyers 0 and 1; buyer 2 is the non-hyperscaler buyers
constexpr std::size_t kOthers = kHyperscalers;

// One merchant vendor ("Merchant", index 0) and the custom-ASIC partner ("Asic", index 1), with no
// capacity in the pipeline so that capacity stays where the test puts it.
Scenario market(double merchant_capacity, double asic_capacity, double other_backlog = 500.0) {
  Scenario s;
  s.set_quarters(80);
  auto* rules = s.mutable_chip_vendor_rules();
  rules->set_price_adjustment(0.05);
  rules->set_target_backlog_quarters(1.0);
  rules->set_floor_margin(0.3);
  rules->set_min_gross_margin(0.55);
  rules->set_max_markup(5.0);
  rules->set_capacity_lead_quarters(7);
  auto* m = s.add_chip_vendor();
  m->set_name("Merchant");
  m->set_merchant_share(1.0);
  m->set_initial_capacity_units_per_quarter(merchant_capacity);
  m->set_pipeline_growth_per_year(0.0);
  m->set_initial_price_usd_per_unit(20000);
  m->set_unit_cost_usd(6000);
  m->set_other_demand_units_per_quarter(0);
  m->set_initial_other_backlog_units(other_backlog);
  auto* a = s.add_chip_vendor();
  a->set_name("Asic");
  a->set_custom_asic(true);
  a->set_initial_capacity_units_per_quarter(asic_capacity);
  a->set_pipeline_growth_per_year(0.0);
  a->set_initial_price_usd_per_unit(6500);
  a->set_unit_cost_usd(5000);
  return s;
}

EnvironmentNow env(double technology = 1.0) {
  EnvironmentNow e;
  e.technology = technology;
  e.risk_free_rate = 0.04;
  e.investor_sentiment = 1.0;
  return e;
}

TEST(ChipMarket, ShortSupplyIsSharedProRata) {
  const Scenario s = market(1000, 1e6);
  Ledger ledger;
  ChipVendors vendors(s, ledger, kHyperscalers, 1.0);
  ASSERT_EQ(vendors.asic(), 1u);
  vendors.post(0, env());
  EXPECT_DOUBLE_EQ(vendors[0].sellable, 1000);
  vendors.order(0, 0, 1000);
  vendors.order(0, 1, 500);
  const std::vector<double> before = vendors[0].backlog;  // 1000, 500 and the others' 500
  ASSERT_EQ(before.size(), kHyperscalers + 1);
  EXPECT_DOUBLE_EQ(before[kOthers], 500);

  const auto delivered = vendors.ship();
  ASSERT_EQ(delivered.size(), 2u);
  // Supply 1000 against a backlog of 2000: every buyer gets half of what it has on order.
  for (std::size_t b = 0; b <= kOthers; ++b) {
    EXPECT_DOUBLE_EQ(delivered[0][b] / before[b], 0.5) << "buyer " << b;
    EXPECT_DOUBLE_EQ(vendors[0].backlog[b], 0.5 * before[b]) << "buyer " << b;
    EXPECT_DOUBLE_EQ(vendors.fill_rate(b), 0.5) << "buyer " << b;
  }
  EXPECT_DOUBLE_EQ(vendors[0].shipped, vendors[0].sellable);
  // The non-hyperscaler buyers pay the posted price from outside.
  EXPECT_DOUBLE_EQ(vendors[0].books.statements().ai_revenue, 250 * 20000 / 1e9);
}

TEST(ChipMarket, UnequalOrdersStillGetEqualFillShares) {
  const Scenario s = market(777, 1e6, 0.0);
  Ledger ledger;
  ChipVendors vendors(s, ledger, kHyperscalers, 1.0);
  vendors.post(0, env());
  vendors.order(0, 0, 12345);
  vendors.order(0, 1, 7);
  const auto delivered = vendors.ship();
  const double fill = 777.0 / (12345 + 7);
  EXPECT_NEAR(delivered[0][0] / 12345, fill, 1e-15);
  EXPECT_NEAR(delivered[0][1] / 7, fill, 1e-15);
  EXPECT_EQ(delivered[0][kOthers], 0.0);
  EXPECT_NEAR(vendors[0].shipped, 777, 1e-9);
}

TEST(ChipMarket, LongSupplyFillsEveryOrder) {
  const Scenario s = market(1e6, 1e6);
  Ledger ledger;
  ChipVendors vendors(s, ledger, kHyperscalers, 1.0);
  vendors.post(0, env());
  vendors.order(0, 0, 1000);
  vendors.order(0, 1, 500);
  vendors.order(1, 0, 300);  // own silicon at the custom-ASIC partner
  const auto delivered = vendors.ship();
  EXPECT_DOUBLE_EQ(delivered[0][0], 1000);
  EXPECT_DOUBLE_EQ(delivered[0][1], 500);
  EXPECT_DOUBLE_EQ(delivered[0][kOthers], 500);
  EXPECT_DOUBLE_EQ(delivered[1][0], 300);
  EXPECT_EQ(vendors[0].backlog_total(), 0.0);
  EXPECT_EQ(vendors[1].backlog_total(), 0.0);
  for (std::size_t b = 0; b <= kOthers; ++b) EXPECT_DOUBLE_EQ(vendors.fill_rate(b), 1.0);
}

TEST(ChipMarket, FillRateCombinesVendors) {
  // The merchant vendor is short (half filled), the ASIC partner is long: buyer 0's fill rate is its
  // units received over its units on order at both.
  const Scenario s = market(1000, 1e6, 0.0);
  Ledger ledger;
  ChipVendors vendors(s, ledger, kHyperscalers, 1.0);
  vendors.post(0, env());
  vendors.order(0, 0, 1500);
  vendors.order(0, 1, 500);
  vendors.order(1, 0, 1000);
  vendors.ship();
  EXPECT_DOUBLE_EQ(vendors.fill_rate(0), (750.0 + 1000.0) / 2500.0);
  EXPECT_DOUBLE_EQ(vendors.fill_rate(1), 0.5);
  EXPECT_DOUBLE_EQ(vendors.fill_rate(kOthers), 1.0);  // ordered nothing
  EXPECT_DOUBLE_EQ(vendors.backlog_of(0), 750.0);
}

TEST(ChipMarket, CancellationsTakeAtMostTheBacklog) {
  const Scenario s = market(1000, 1e6);
  Ledger ledger;
  ChipVendors vendors(s, ledger, kHyperscalers, 1.0);
  vendors.post(0, env());
  vendors.order(0, 0, 400);
  vendors.cancel(0, 0, 100);
  EXPECT_DOUBLE_EQ(vendors[0].backlog[0], 300);
  vendors.cancel(0, 0, 1e9);
  EXPECT_EQ(vendors[0].backlog[0], 0.0);
  EXPECT_DOUBLE_EQ(vendors[0].cancellations, 400);
}

// Runs one quarter: post, the hyperscalers' orders, ship, accounts. Returns the merchant's next price.
double quarter(ChipVendors& vendors, int t, double technology, double orders_each) {
  FinanceRules finance;
  vendors.post(t, env(technology));
  for (std::size_t b = 0; b < kHyperscalers; ++b) {
    vendors.order(0, b, orders_each);
    vendors.order(1, b, orders_each / 4);
  }
  vendors.ship();
  vendors.account(t, env(technology), finance);
  for (std::size_t v = 0; v < vendors.size(); ++v)
    EXPECT_LT(vendors[v].books.consistency_gap(), 1e-12) << vendors[v].name() << " in quarter " << t;
  return vendors[0].price;
}

TEST(ChipMarket, PriceRisesWithScarcityAndFallsInAGlut) {
  const Scenario s = market(1000, 1e6, 0.0);
  Ledger ledger;
  ChipVendors vendors(s, ledger, kHyperscalers, 1.0);  // no technology trend: only scarcity moves prices
  // 2 x 2000 ordered against 1000 made: 3000 left, 3 quarters of capacity against a target of 1.
  const double p1 = quarter(vendors, 0, 1.0, 2000);
  EXPECT_DOUBLE_EQ(p1, 20000 * (1 + 0.05 * (3.0 - 1.0)));
  EXPECT_EQ(vendors[0].price_shipped, 20000) << "this quarter's shipments were paid at the posted price";
  // Backlog of exactly one quarter: no change.
  Ledger l2;
  ChipVendors at_target(s, l2, kHyperscalers, 1.0);
  EXPECT_DOUBLE_EQ(quarter(at_target, 0, 1.0, 1000), 20000);
  // Nothing on order: the price falls.
  Ledger l3;
  ChipVendors glut(s, l3, kHyperscalers, 1.0);
  EXPECT_DOUBLE_EQ(quarter(glut, 0, 1.0, 0), 20000 * (1 - 0.05));
}

TEST(ChipMarket, PricesStayBetweenFloorAndCap) {
  // Forty quarters of overwhelming orders, then forty with none, with a technology trend that lowers
  // unit cost every quarter: the merchant price climbs to its cap and falls to its floor, never past
  // either; the ASIC partner always prices at unit cost plus its floor margin.
  const Scenario s = market(1000, 1e6, 0.0);
  const double step = std::pow(2.0, 1.0 / 8.0);  // price-performance doubling every two years
  Ledger ledger;
  ChipVendors vendors(s, ledger, kHyperscalers, step);
  bool hit_cap = false, hit_floor = false;
  double previous = vendors[0].price;
  for (int t = 0; t < 80; ++t) {
    const double technology = std::pow(step, t);
    const bool boom = t < 40;
    if (t == 40)  // the boom ends: every buyer cancels what it still has on order
      for (std::size_t b = 0; b < kHyperscalers; ++b) vendors.cancel(0, b, 1e18);
    const double price = quarter(vendors, t, technology, boom ? 50000 : 0);
    const double next_cost = 6000 / (technology * step);
    const double floor = next_cost / (1 - 0.55), cap = next_cost * 6.0;  // gross margin 55% to 83%
    ASSERT_GE(price, floor * (1 - 1e-12)) << "quarter " << t;
    ASSERT_LE(price, cap * (1 + 1e-12)) << "quarter " << t;
    hit_cap = hit_cap || std::abs(price / cap - 1) < 1e-12;
    hit_floor = hit_floor || std::abs(price / floor - 1) < 1e-12;
    // Scarcity raises the price (until the cap); a glut lowers it.
    if (boom && !hit_cap) {
      EXPECT_GT(price, previous) << "quarter " << t;
    }
    if (!boom) {
      EXPECT_LE(price, previous) << "quarter " << t;
    }
    EXPECT_NEAR(vendors[1].price, 5000 / (technology * step) * 1.3, 1e-9) << "ASIC price in quarter " << t;
    previous = price;
  }
  EXPECT_TRUE(hit_cap) << "forty quarters of scarcity never reached the cap";
  EXPECT_TRUE(hit_floor) << "forty quarters of glut never reached the floor";
}

TEST(ChipMarket, ExportControlsCutSellableSupply) {
  const Scenario s = market(1000, 1e6);
  Ledger ledger;
  ChipVendors vendors(s, ledger, kHyperscalers, 1.0);
  EnvironmentNow e = env(2.0);
  e.export_control_share = 0.25;
  vendors.post(0, e);
  EXPECT_DOUBLE_EQ(vendors[0].sellable, 1000 * 2.0 * 0.75);
}

}  // namespace
}  // namespace megacycle
