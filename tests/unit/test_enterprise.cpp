#include <gtest/gtest.h>

#include <algorithm>
#include <cereal/archives/binary.hpp>
#include <cmath>
#include <sstream>

#include "agents/economy.hpp"
#include "agents/provider_choice.hpp"
#include "engine/error.hpp"

namespace megacycle {

// EnterpriseState as version 2 wrote it (no re-evaluation countdowns), to check that it still loads.
struct Version2State {
  const EnterpriseState& s;
  template <class Archive>
  void save(Archive& ar, std::uint32_t) const {
    ar(s.sector, s.size_class, s.employees, s.innovativeness, s.productivity, s.weight, s.stage, s.quarters_in_stage,
       s.low_roi_quarters, s.compute_demand, s.provider);
  }
};

}  // namespace megacycle
CEREAL_CLASS_VERSION(megacycle::Version2State, 2);

namespace megacycle {
namespace {

Scenario small(std::int64_t population) {
  Scenario s;
  s.set_quarters(8);
  s.mutable_enterprises()->set_population(population);
  return s;
}

TEST(Enterprises, WeightsAddUpToTheRepresentedFirms) {
  auto comm = make_local_comm();
  const auto s = small(200000);
  EnterprisePopulation pop(*comm, s, 0);
  const auto totals = pop.aggregate(*comm);
  EXPECT_NEAR(totals.firms() / s.enterprises().represented_firms(), 1.0, 1e-6);
}

TEST(Enterprises, OversamplingLargeFirmsKeepsTheirWeightedShare) {
  // Drawing sizes from a flatter Pareto law over-samples large firms; weights must undo it.
  auto comm = make_local_comm();
  auto uniform = small(400000), tilted = small(400000);
  tilted.mutable_enterprises()->set_size_sampling_exponent(0.7);
  EnterprisePopulation a(*comm, uniform, 0), b(*comm, tilted, 0);
  const auto ta = a.aggregate(*comm), tb = b.aggregate(*comm);
  const double large_a = ta.firms_by_class[3] / ta.firms(), large_b = tb.firms_by_class[3] / tb.firms();
  const double expected = std::pow(250.0, -1.06);  // Pareto tail P(size >= 250), truncation negligible
  EXPECT_NEAR(large_a, expected, 0.15 * expected);
  EXPECT_NEAR(large_b, expected, 0.05 * expected);  // sharper: more large firms in the sample
  int large_agents_b = 0, large_agents_a = 0;
  for (auto c : b.state().size_class) large_agents_b += c == 3;
  for (auto c : a.state().size_class) large_agents_a += c == 3;
  EXPECT_GT(large_agents_b, 5 * large_agents_a);
}

TEST(Enterprises, InitialAdoptionShareHitsTheTargetAndFavoursLargeFirms) {
  auto comm = make_local_comm();
  auto s = small(300000);
  s.mutable_enterprises()->mutable_adoption()->set_initial_adoption_share(0.09);
  EnterprisePopulation pop(*comm, s, 0);
  const auto t = pop.aggregate(*comm);
  EXPECT_NEAR(t.adopters() / t.firms(), 0.09, 0.005);
  EXPECT_GT(t.adopters_by_class[3] / t.firms_by_class[3], 2 * t.adopters_by_class[0] / t.firms_by_class[0]);
}

TEST(Enterprises, PotentialAdoptersCapAdoptionBySizeClass) {
  // Bass market potential: a firm outside the potential adopters never adopts, so each size class
  // saturates at its potential share m, however strong the hazard.
  auto comm = make_local_comm();
  auto s = small(300000);
  s.set_quarters(12);
  auto* a = s.mutable_enterprises()->mutable_adoption();
  const double m[kSizeClassCount] = {0.2, 0.3, 0.5, 0.9};
  a->set_potential_share_micro(m[0]);
  a->set_potential_share_small(m[1]);
  a->set_potential_share_medium(m[2]);
  a->set_potential_share_large(m[3]);
  a->set_bass_p_per_year(4.0);  // hazard p/4 = 1 x innovativeness: potential adopters adopt fast
  a->set_initial_adoption_share(0.09);
  Economy economy(*comm, s, 0);
  const auto t0 = economy.enterprises().aggregate(*comm);
  EXPECT_NEAR(t0.adopters() / t0.firms(), 0.09, 0.005);  // the target, from potential adopters only
  for (int t = 0; t < 12; ++t) economy.run_quarter(t);
  const EnterpriseState& st = economy.enterprises().state();
  double firms[kSizeClassCount] = {}, potential[kSizeClassCount] = {}, ever[kSizeClassCount] = {};
  for (std::size_t i = 0; i < st.size(); ++i) {
    const int c = st.size_class[i];
    firms[c] += st.weight[i];
    potential[c] += st.potential[i] ? st.weight[i] : 0.0f;
    if (st.stage[i] != Stage::none) ever[c] += st.weight[i];
    if (!st.potential[i]) ASSERT_EQ(st.stage[i], Stage::none) << "agent " << i << " adopted outside the potential";
  }
  for (int c = 0; c < kSizeClassCount; ++c) {
    EXPECT_NEAR(potential[c] / firms[c], m[c], c == 3 ? 0.05 : 0.02) << kSizeClassNames[c];
    // Nearly every potential adopter has tried AI by now, and none outside it.
    EXPECT_LE(ever[c], potential[c] + 1e-6) << kSizeClassNames[c];
    EXPECT_GT(ever[c] / potential[c], 0.8) << kSizeClassNames[c];
  }
  const auto t = economy.enterprises().aggregate(*comm);
  for (int c = 0; c < kSizeClassCount; ++c)
    EXPECT_LE(t.adopters_by_class[c] / t.firms_by_class[c], m[c] + 0.02) << kSizeClassNames[c];
}

TEST(Enterprises, StateRoundTripsThroughCereal) {
  auto comm = make_local_comm();
  const auto s = small(5000);
  Economy economy(*comm, s, 0);
  for (int t = 0; t < 4; ++t) economy.run_quarter(t);
  const EnterpriseState& before = economy.enterprises().state();
  std::stringstream buffer;
  {
    cereal::BinaryOutputArchive out(buffer);
    out(before);
  }
  EnterpriseState after;
  {
    cereal::BinaryInputArchive in(buffer);
    in(after);
  }
  EXPECT_EQ(after.stage, before.stage);
  EXPECT_EQ(after.employees, before.employees);
  EXPECT_EQ(after.compute_demand, before.compute_demand);
  EXPECT_EQ(after.low_roi_quarters, before.low_roi_quarters);
  EXPECT_EQ(after.provider, before.provider);
  EXPECT_EQ(after.provider.size(), before.stage.size());
  EXPECT_EQ(after.reevaluation_countdown, before.reevaluation_countdown);
  EXPECT_EQ(after.potential, before.potential);
}

TEST(Enterprises, StateStaysWellUnder64BytesPerAgent) {
  auto comm = make_local_comm();
  EnterprisePopulation pop(*comm, small(100000), 0);
  EXPECT_LT(pop.bytes_per_agent(), 40.0);
}

TEST(Enterprises, ChurnHappensWhenRoiFallsShort) {
  // Median ROI 0.5 at reference conditions: pilots miss the hurdle, production users are disappointed.
  auto comm = make_local_comm();
  auto s = small(50000);
  auto* sector = s.mutable_enterprises()->add_sector();
  sector->set_name("weak");
  sector->set_productivity_log_mean(std::log(0.5));
  sector->set_productivity_log_sd(0.1);
  Economy economy(*comm, s, 0);
  double churned = 0;
  for (int t = 0; t < 8; ++t) {
    economy.run_quarter(t);
    churned += economy.enterprise_totals().churned_from_pilot + economy.enterprise_totals().churned_from_production;
  }
  EXPECT_GT(churned, 0.5 * economy.enterprise_totals().firms() * 0.09);
  EXPECT_EQ(economy.enterprise_totals().new_production, 0.0);
}

TEST(Enterprises, SameSeedSameRunDifferentSeedDifferentRun) {
  auto comm = make_local_comm();
  auto run = [&](std::uint64_t seed) {
    auto s = small(20000);
    s.set_seed(seed);
    Economy economy(*comm, s, 0);
    for (int t = 0; t < 8; ++t) economy.run_quarter(t);
    return economy.enterprise_totals().adopters();
  };
  EXPECT_EQ(run(1), run(1));
  EXPECT_NE(run(1), run(2));
}

// Scenario with hyperscalers of the given customer attractiveness (named a, b, ...).
Scenario with_providers(std::int64_t population, const std::vector<double>& attractiveness) {
  auto s = small(population);
  for (std::size_t h = 0; h < attractiveness.size(); ++h) {
    auto* hyperscaler = s.add_hyperscaler();
    hyperscaler->set_name(std::string(1, static_cast<char>('a' + h)));
    hyperscaler->set_customer_attractiveness(attractiveness[h]);
  }
  return s;
}

// Conditions of a quarter at reference capability and efficiency, the given provider prices and served
// shares, and Bass innovation only (no imitation), as Economy::conditions builds them.
EnterpriseConditions conditions_for(const Scenario& s, const std::vector<double>& prices,
                                    const std::vector<double>& served) {
  EnterpriseConditions c;
  const double p_ref = s.environment().reference_price_usd_per_unit_hour();
  c.compute_price = p_ref;
  std::vector<double> attractiveness(prices.size(), 1.0);
  for (int h = 0; h < s.hyperscaler_size(); ++h)
    attractiveness[static_cast<std::size_t>(h)] = s.hyperscaler(h).customer_attractiveness();
  set_provider_conditions(c, s, 1.0, 1.0, p_ref, prices, served, attractiveness);
  c.imitation.assign(static_cast<std::size_t>(std::max(1, s.enterprises().sector_size())), 0.0);
  return c;
}

// Probability of provider h in row `row` of a choice table with n providers.
double choice_probability(const EnterpriseConditions& c, std::size_t row, std::size_t h, std::size_t n) {
  const double* r = c.choice_cdf.data() + row * n;
  return r[h] - (h > 0 ? r[h - 1] : 0.0);
}

TEST(Providers, OneProviderCarriesAllDemandAndNobodySwitches) {
  auto comm = make_local_comm();
  const Scenario scenario = small(20000);  // the Economy keeps a reference: it must outlive it
  Economy economy(*comm, scenario, 0);
  for (int t = 0; t < 4; ++t) {
    economy.run_quarter(t);
    const auto& a = economy.enterprise_totals();
    ASSERT_EQ(a.demand_by_provider.size(), 1u);
    ASSERT_EQ(a.customers_by_provider.size(), 1u);
    EXPECT_EQ(a.demand_by_provider[0], a.compute_demand_units);  // the same sums in the same order
    EXPECT_NEAR(a.customers_by_provider[0], a.adopters(), 1e-9 * a.adopters());
    EXPECT_EQ(a.provider_switches, 0.0);
  }
  for (auto h : economy.enterprises().state().provider) ASSERT_EQ(h, 0);
}

TEST(Providers, CustomerSharesFollowTheLogitAtDifferentPrices) {
  // Two equally attractive providers, the second 25% dearer; no re-evaluation, so every adopter has
  // chosen once from the new-adopter row: initial adopters at set-up, new pilots when they adopt.
  auto comm = make_local_comm();
  auto s = with_providers(200000, {1.0, 1.0});
  s.mutable_enterprises()->mutable_providers()->set_reevaluation_probability(0);
  s.mutable_enterprises()->mutable_adoption()->set_bass_p_per_year(0.4);
  // Usage price elasticity 1: ROI does not depend on the price, so churn does not tilt the shares.
  s.mutable_enterprises()->mutable_usage()->set_price_elasticity(1.0);
  const auto c = conditions_for(s, {2.0, 2.5}, {1.0, 1.0});
  const double p0 = choice_probability(c, 2, 0, 2);
  EXPECT_NEAR(p0, 1.0 / (1.0 + std::pow(1.25, -3.0)), 1e-12);  // price sensitivity 3
  EnterprisePopulation pop(*comm, s, 0);
  pop.choose_initial_providers(c);
  auto check = [&](const EnterpriseAggregates& a, const char* when) {
    ASSERT_EQ(a.customers_by_provider.size(), 2u);
    const double weight = s.enterprises().represented_firms() / static_cast<double>(s.enterprises().population());
    const double adopters = a.adopters() / weight;  // agents: every weight is the same here
    const double share = a.customers_by_provider[0] / a.adopters();
    EXPECT_NEAR(share, p0, 4 * std::sqrt(p0 * (1 - p0) / adopters)) << when;
    EXPECT_NEAR(a.customers_by_provider[0] + a.customers_by_provider[1], a.adopters(), 1e-9 * a.adopters()) << when;
  };
  check(pop.aggregate(*comm), "initial adopters");
  for (int t = 0; t < 6; ++t) pop.step(t, c);
  const auto a = pop.aggregate(*comm);
  check(a, "after six quarters");
  EXPECT_GT(a.adopters(), 0.3 * a.firms());  // most adopters chose in the run, not at set-up
  EXPECT_EQ(a.provider_switches, 0.0);
  // Each adopter demands at its own provider's usage intensity (lower at the dearer one).
  EXPECT_LT(c.provider_usage_per_usd_m[1], c.provider_usage_per_usd_m[0]);
  const auto& st = pop.state();
  const auto& e = s.enterprises();
  for (std::size_t i = 0; i < st.size(); ++i) {
    if (st.stage[i] != Stage::pilot && st.stage[i] != Stage::production) continue;
    const double stage_factor = st.stage[i] == Stage::production ? 1.0 : e.usage().pilot_intensity();
    const double exposed = st.employees[i] * e.revenue_per_employee_usd_m() * Sector().ai_exposure() * stage_factor;
    ASSERT_NEAR(st.compute_demand[i] / exposed, c.provider_usage_per_usd_m[st.provider[i]],
                1e-6 * c.provider_usage_per_usd_m[0])
        << "agent " << i;
  }
}

TEST(Providers, SwitchingCostKeepsCustomersWithTheirProvider) {
  // Everyone re-evaluates every quarter; nobody adopts or churns, so every adopter re-evaluates.
  auto run = [](double switching_cost) {
    auto comm = make_local_comm();
    auto s = with_providers(100000, {1.0, 2.0, 0.5});
    auto* e = s.mutable_enterprises();
    e->mutable_providers()->set_reevaluation_probability(1.0);
    e->mutable_providers()->set_switching_cost(switching_cost);
    e->mutable_adoption()->set_bass_p_per_year(0);
    e->mutable_adoption()->set_bass_q_per_year(0);
    e->mutable_adoption()->set_initial_adoption_share(0.3);
    e->mutable_stages()->set_production_roi_hurdle(0);
    auto* sector = e->add_sector();
    sector->set_name("all");
    sector->set_productivity_log_mean(5);  // never disappointed
    const auto c = conditions_for(s, {2.0, 2.0, 2.0}, {1.0, 1.0, 1.0});
    EnterprisePopulation pop(*comm, s, 0);
    pop.choose_initial_providers(c);
    const auto before = pop.aggregate(*comm);
    pop.step(0, c);
    const auto after = pop.aggregate(*comm);
    EXPECT_EQ(after.adopters(), before.adopters());
    // Expected switches: customers of c leave with probability 1 - P(stay | c).
    double expected = 0, variance = 0;
    const double weight = e->represented_firms() / static_cast<double>(e->population());
    for (std::size_t h = 0; h < 3; ++h) {
      const double leave = 1.0 - choice_probability(c, h, h, 3);
      expected += before.customers_by_provider[h] * leave;
      variance += before.customers_by_provider[h] * weight * leave * (1 - leave);
    }
    EXPECT_NEAR(after.provider_switches, expected, 4 * std::sqrt(variance)) << "switching cost " << switching_cost;
    return after.provider_switches / after.adopters();
  };
  const double free_rate = run(0.0), costly_rate = run(1.0);
  EXPECT_GT(free_rate, costly_rate + 0.15);
}

// A population of 100000 in which nobody adopts or churns (30% adopters from the start, all in
// production and never disappointed), re-evaluating with probability r among providers of
// attractiveness 1, 2, 0.5 at equal prices.
Scenario stable_adopters(double reevaluation, double switching_cost) {
  auto s = with_providers(100000, {1.0, 2.0, 0.5});
  auto* e = s.mutable_enterprises();
  e->mutable_providers()->set_reevaluation_probability(reevaluation);
  e->mutable_providers()->set_switching_cost(switching_cost);
  e->mutable_adoption()->set_bass_p_per_year(0);
  e->mutable_adoption()->set_bass_q_per_year(0);
  e->mutable_adoption()->set_initial_adoption_share(0.3);
  e->mutable_adoption()->set_initial_production_share(1.0);
  e->mutable_stages()->set_production_roi_hurdle(0);
  auto* sector = e->add_sector();
  sector->set_name("all");
  sector->set_productivity_log_mean(5);  // never disappointed
  return s;
}

TEST(Providers, InitialCountdownsAreGeometric) {
  // Initial adopters draw their countdown with their provider: P(countdown = k) = r (1 - r)^(k-1).
  auto comm = make_local_comm();
  for (double r : {0.2, 0.6}) {
    const auto s = stable_adopters(r, 1.0);
    EnterprisePopulation pop(*comm, s, 0);
    pop.choose_initial_providers(conditions_for(s, {2.0, 2.0, 2.0}, {1.0, 1.0, 1.0}));
    const auto& st = pop.state();
    std::vector<double> count(256);
    double adopters = 0;
    for (std::size_t i = 0; i < st.size(); ++i) {
      if (st.stage[i] != Stage::pilot && st.stage[i] != Stage::production) {
        ASSERT_EQ(st.reevaluation_countdown[i], 0) << "agent " << i;
        continue;
      }
      ASSERT_GE(st.reevaluation_countdown[i], 1) << "agent " << i;
      count[st.reevaluation_countdown[i]] += 1;
      adopters += 1;
    }
    ASSERT_GT(adopters, 20000);
    double mean = 0;
    for (int k = 1; k < 256; ++k) mean += k * count[static_cast<std::size_t>(k)] / adopters;
    for (int k = 1; k <= 5; ++k) {
      const double p = r * std::pow(1 - r, k - 1);
      EXPECT_NEAR(count[static_cast<std::size_t>(k)], adopters * p, 4 * std::sqrt(adopters * p * (1 - p)) + 1)
          << "r " << r << ", countdown " << k;
    }
    EXPECT_NEAR(mean, 1 / r, 4 * std::sqrt((1 - r) / (r * r) / adopters)) << "r " << r;  // sd of K: sqrt(1-r)/r
  }
  // Tiny r: most countdowns saturate at 255 (P(K >= 255) = (1 - r)^254); r = 1: every quarter; r = 0 or one
  // provider: none drawn.
  auto countdowns = [&](const Scenario& s) {
    EnterprisePopulation pop(*comm, s, 0);
    std::vector<double> prices(provider_count(s), 2.0), served(provider_count(s), 1.0);
    pop.choose_initial_providers(conditions_for(s, prices, served));
    std::vector<int> out;
    for (std::size_t i = 0; i < pop.state().size(); ++i)
      if (pop.state().stage[i] == Stage::production) out.push_back(pop.state().reevaluation_countdown[i]);
    return out;
  };
  const auto tiny = countdowns(stable_adopters(0.002, 1.0));
  const double saturated =
      static_cast<double>(std::count(tiny.begin(), tiny.end(), 255)) / static_cast<double>(tiny.size());
  EXPECT_NEAR(saturated, std::pow(0.998, 254), 0.02);
  for (int k : countdowns(stable_adopters(1.0, 1.0))) ASSERT_EQ(k, 1);
  for (int k : countdowns(stable_adopters(0.0, 1.0))) ASSERT_EQ(k, 0);
  auto one_provider = small(20000);
  one_provider.mutable_enterprises()->mutable_providers()->set_reevaluation_probability(0.3);
  for (int k : countdowns(one_provider)) ASSERT_EQ(k, 0);
}

TEST(Providers, ReevaluationHasTheSameHazardEveryQuarter) {
  // The countdown makes re-evaluation a Bernoulli(r) process: in every quarter each adopter re-evaluates
  // with probability r, whatever happened before, so the customers of h leave with probability
  // r * (1 - P(stay | h)). Checked quarter by quarter over 12 quarters (three countdown means at r = 0.25),
  // with the countdowns drawn at set-up and, in the second run, with none drawn (initial adopters all
  // with provider 0 and countdown 0, as when loading a version-2 state): their first quarter is a plain
  // Bernoulli draw, after which they count down too.
  auto comm = make_local_comm();
  const double r = 0.25;
  for (bool initial_choice : {true, false}) {
    const auto s = stable_adopters(r, 0.5);
    const auto c = conditions_for(s, {2.0, 2.0, 2.0}, {1.0, 1.0, 1.0});
    const double weight = s.enterprises().represented_firms() / static_cast<double>(s.enterprises().population());
    EnterprisePopulation pop(*comm, s, 0);
    if (initial_choice) pop.choose_initial_providers(c);
    auto before = pop.aggregate(*comm);
    double total = 0, total_expected = 0;
    for (int t = 0; t < 12; ++t) {
      pop.step(t, c);
      const auto after = pop.aggregate(*comm);
      ASSERT_EQ(after.adopters(), before.adopters());
      double expected = 0, variance = 0;
      for (std::size_t h = 0; h < 3; ++h) {
        const double leave = r * (1.0 - choice_probability(c, h, h, 3));
        expected += before.customers_by_provider[h] * leave;
        variance += before.customers_by_provider[h] * weight * leave * (1 - leave);
      }
      EXPECT_NEAR(after.provider_switches, expected, 4 * std::sqrt(variance))
          << "quarter " << t << (initial_choice ? "" : ", no initial choice");
      total += after.provider_switches, total_expected += expected;
      before = after;
    }
    // Over the 12 quarters: within 2% (about 4 standard deviations); a countdown one quarter too short or
    // too long (mean 1/r -+ 1) would be 33% or 20% off.
    EXPECT_NEAR(total / total_expected, 1.0, 0.02) << (initial_choice ? "" : "no initial choice");
    // The shares settle at the logit's stationary distribution: every countdown ran out at least once.
    if (!initial_choice) {
      const auto a = pop.aggregate(*comm);
      EXPECT_GT(a.customers_by_provider[1], a.customers_by_provider[0]);
    }
  }
}

TEST(Providers, AVersion2StateLoadsWithNoCountdownsDrawn) {
  // The fields of EnterpriseState version 2, written as version 2 wrote them.
  auto comm = make_local_comm();
  const auto s = stable_adopters(0.3, 1.0);
  EnterprisePopulation pop(*comm, s, 0);
  pop.choose_initial_providers(conditions_for(s, {2.0, 2.0, 2.0}, {1.0, 1.0, 1.0}));
  const EnterpriseState& st = pop.state();
  std::stringstream buffer;
  {
    cereal::BinaryOutputArchive out(buffer);
    out(Version2State{st});
  }
  EnterpriseState loaded;
  {
    cereal::BinaryInputArchive in(buffer);
    in(loaded);
  }
  EXPECT_EQ(loaded.stage, st.stage);
  EXPECT_EQ(loaded.provider, st.provider);
  EXPECT_EQ(loaded.compute_demand, st.compute_demand);
  EXPECT_EQ(loaded.reevaluation_countdown, std::vector<std::uint8_t>(st.size(), 0));
  // And the current version keeps them.
  std::stringstream current;
  {
    cereal::BinaryOutputArchive out(current);
    out(st);
  }
  {
    cereal::BinaryInputArchive in(current);
    in(loaded);
  }
  EXPECT_EQ(loaded.reevaluation_countdown, st.reevaluation_countdown);
  const auto& countdowns = st.reevaluation_countdown;
  EXPECT_GT(std::count_if(countdowns.begin(), countdowns.end(), [](auto k) { return k > 1; }), 0);
}

TEST(Providers, RationingLowersProductionEntry) {
  auto entries = [](double served) {
    auto comm = make_local_comm();
    auto s = small(100000);
    s.mutable_enterprises()->mutable_adoption()->set_bass_p_per_year(0.4);
    const auto c = conditions_for(s, {2.0}, {served});
    EnterprisePopulation pop(*comm, s, 0);
    pop.choose_initial_providers(c);
    double production = 0, churned = 0;
    for (int t = 0; t < 8; ++t) {
      pop.step(t, c);
      const auto a = pop.aggregate(*comm);
      production += a.new_production;
      churned += a.churned_from_pilot + a.churned_from_production;
    }
    return std::pair{production, churned};
  };
  const auto [full_production, full_churn] = entries(1.0);
  const auto [half_production, half_churn] = entries(0.5);
  // ROI halves (rationing_roi_elasticity 1): the hurdle 1 now needs productivity 2 instead of 1.
  EXPECT_LT(half_production, 0.6 * full_production);
  EXPECT_GT(half_churn, full_churn);
}

TEST(Providers, ConditionsForTheWrongNumberOfProvidersAreRefused) {
  auto comm = make_local_comm();
  const auto s = with_providers(1000, {1.0, 1.0});
  EnterprisePopulation pop(*comm, s, 0);
  const auto one = conditions_for(small(1000), {2.0}, {1.0});
  EXPECT_THROW(pop.step(0, one), Error);
  EXPECT_THROW(pop.choose_initial_providers(one), Error);
}

TEST(Providers, ChoicesAreReproducible) {
  auto comm = make_local_comm();
  auto s = with_providers(20000, {1.0, 3.0});
  auto run = [&] {
    EnterprisePopulation pop(*comm, s, 0);
    const auto c = conditions_for(s, {2.0, 2.2}, {1.0, 0.7});
    pop.choose_initial_providers(c);
    for (int t = 0; t < 4; ++t) pop.step(t, c);
    return pop.state().provider;
  };
  EXPECT_EQ(run(), run());
}

}  // namespace
}  // namespace megacycle
