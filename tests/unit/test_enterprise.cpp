#include <gtest/gtest.h>

#include <cereal/archives/binary.hpp>
#include <cmath>
#include <sstream>

#include "agents/economy.hpp"

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

}  // namespace
}  // namespace megacycle
