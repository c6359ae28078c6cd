// The adoption process against its closed forms, on populations large enough that sampling error is small.
#include <gtest/gtest.h>

#include <cmath>

#include "agents/economy.hpp"

namespace megacycle {
namespace {

constexpr double kP = 0.03, kQ = 0.38;  // per year, as in MODEL.md; the hazard uses p/4 and q/4

// One sector, identical firms (innovativeness 1), nobody adopting at the start, every pilot going to
// production and never churning, constant prices: only the Bass hazard moves the adoption share.
Scenario plain_bass(std::int64_t population, double q_per_year, int degree) {
  Scenario s;
  s.set_quarters(40);
  auto* e = s.mutable_enterprises();
  e->set_population(population);
  auto* a = e->mutable_adoption();
  a->set_bass_p_per_year(kP);
  a->set_bass_q_per_year(q_per_year);
  a->set_innovativeness_size_elasticity(0);
  a->set_innovativeness_log_sd(0);
  a->set_initial_adoption_share(0);
  e->mutable_stages()->set_production_roi_hurdle(0);
  auto* sector = e->add_sector();
  sector->set_name("all");
  sector->set_firm_share(1);
  sector->set_productivity_log_mean(5);  // ROI e^5: nobody is ever disappointed
  sector->set_productivity_log_sd(0);
  e->mutable_network()->set_degree(degree);
  return s;
}

std::vector<double> simulated_shares(const Scenario& s) {
  auto comm = make_local_comm();
  Economy economy(*comm, s, 0);
  std::vector<double> shares;
  for (int t = 0; t < economy.quarters(); ++t) {
    economy.run_quarter(t);
    const auto& a = economy.enterprise_totals();
    shares.push_back(a.adopters() / a.firms());
  }
  return shares;
}

TEST(AdoptionCurves, WithoutImitationAdoptionFollowsTheExponentialHazard) {
  const std::int64_t n = 400000;
  const auto shares = simulated_shares(plain_bass(n, 0.0, 8));
  const double h = kP / 4;
  for (std::size_t t = 0; t < shares.size(); ++t) {
    const double expected = 1.0 - std::pow(1.0 - h, static_cast<double>(t + 1));  // after t+1 quarters
    const double sigma = std::sqrt(expected * (1 - expected) / n);
    ASSERT_NEAR(shares[t], expected, 4 * sigma) << "quarter " << t;
  }
}

TEST(AdoptionCurves, OnACompleteGraphAdoptionFollowsTheBassCurve) {
  // Degree 0: imitation reads the whole population's share (one sector) - the complete graph.
  const std::int64_t n = 1000000;
  const auto shares = simulated_shares(plain_bass(n, kQ, 0));
  const double p = kP / 4, q = kQ / 4;
  double mean_field = 0;
  for (std::size_t t = 0; t < shares.size(); ++t) {
    // Exact expectation of the synchronous process in the large-N limit: the discrete Bass recursion.
    mean_field += (1 - mean_field) * (p + q * mean_field);
    const double sigma = std::sqrt(mean_field * (1 - mean_field) / n);
    ASSERT_NEAR(shares[t], mean_field, 6 * sigma + 1e-4) << "quarter " << t;
    // The continuous-time closed form; quarterly steps differ from it by less than 0.02 (see ODD.md).
    const double x = static_cast<double>(t + 1), decay = std::exp(-(p + q) * x);
    const double bass = (1 - decay) / (1 + q / p * decay);
    ASSERT_NEAR(shares[t], bass, 0.02) << "quarter " << t;
  }
  EXPECT_GT(shares.back(), 0.75);  // the S-curve has taken off
}

TEST(AdoptionCurves, PeerImitationOnTheSmallWorldSpreadsAdoption) {
  // Peers only (omega = 1): with q > 0 adoption must run ahead of the innovation-only curve.
  auto s = plain_bass(200000, kQ, 8);
  s.mutable_enterprises()->mutable_network()->set_peer_weight(1.0);
  const auto with_peers = simulated_shares(s);
  const double innovation_only = 1.0 - std::pow(1.0 - kP / 4, 40.0);
  EXPECT_GT(with_peers.back(), innovation_only + 0.2);
}

}  // namespace
}  // namespace megacycle
