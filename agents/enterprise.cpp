#include "agents/enterprise.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#include <fmt/core.h>

#include "agents/provider_choice.hpp"
#include "agents/streams.hpp"
#include "engine/failure.hpp"
#include "engine/finite.hpp"

namespace megacycle {
namespace {

// Layout of one row of block sums. Sector and provider columns come last because their number varies.
enum Column : std::size_t {
  kStageFirms = 0,                                 // + stage
  kClassFirms = kStageFirms + kStageCount,         // + size class
  kClassAdopters = kClassFirms + kSizeClassCount,  // + size class
  kNewPilots = kClassAdopters + kSizeClassCount,
  kNewProduction,
  kChurnedFromPilot,
  kChurnedFromProduction,
  kComputeDemand,
  kProductionRoi,
  kProviderSwitches,
  kSectorFirms,  // + sector, then adopters + sector; then demand + provider, then customers + provider
};

bool is_adopter(Stage s) { return s == Stage::pilot || s == Stage::production; }

std::size_t sector_count(const Scenario& s) { return std::max(1, s.enterprises().sector_size()); }

std::size_t block_sum_width(std::size_t sectors, std::size_t providers) {
  return kSectorFirms + 2 * sectors + 2 * providers;
}

// Adds agents' current state to their block's row of sums. Raw pointers: the agent loops write uint8_t
// arrays, which may alias anything, so going through the vectors would reload every pointer per agent.
struct Tally {
  double* rows;
  std::size_t width, sectors, provider_demand, provider_customers;
  int block_shift;
  const float *weight, *demand, *productivity;
  const std::uint8_t *size_class, *sector, *provider;

  Tally(BlockSums& sums, std::size_t sector_count, std::size_t providers, int shift, const EnterpriseState& st)
      : rows(sums.row(0).data()),
        width(sums.width()),
        sectors(sector_count),
        provider_demand(kSectorFirms + 2 * sector_count),
        provider_customers(provider_demand + providers),
        block_shift(shift),
        weight(st.weight.data()),
        demand(st.compute_demand.data()),
        productivity(st.productivity.data()),
        size_class(st.size_class.data()),
        sector(st.sector.data()),
        provider(st.provider.data()) {}

  double* row(std::size_t i) const { return rows + (i >> block_shift) * width; }

  // roi_factor: the factor of the ROI the agent realised this quarter (its provider's before any switch).
  void add(std::size_t i, Stage s, double roi_factor) const {
    double* r = row(i);
    const double w = weight[i];
    r[kStageFirms + static_cast<std::size_t>(s)] += w;
    r[kClassFirms + size_class[i]] += w;
    r[kSectorFirms + sector[i]] += w;
    if (is_adopter(s)) {
      r[kClassAdopters + size_class[i]] += w;
      r[kSectorFirms + sectors + sector[i]] += w;
      r[kComputeDemand] += w * demand[i];
      r[provider_demand + provider[i]] += w * demand[i];
      r[provider_customers + provider[i]] += w;
      if (s == Stage::production) r[kProductionRoi] += w * productivity[i] * roi_factor;
    }
  }

  void switched(std::size_t i) const { row(i)[kProviderSwitches] += weight[i]; }

  void transition(std::size_t i, Stage from, Stage to) const {
    double* r = row(i);
    const double w = weight[i];
    if (to == Stage::pilot) r[kNewPilots] += w;
    if (to == Stage::production) r[kNewProduction] += w;
    if (to == Stage::churned) r[from == Stage::pilot ? kChurnedFromPilot : kChurnedFromProduction] += w;
  }
};

// A provider and the countdown to its next re-evaluation (0: none, when r = 0).
struct NextProvider {
  std::uint8_t provider, countdown;
};

// Picks from a choice-table row with the uniform u and draws the countdown from the rest of u. Out of line
// (as is reevaluate()): few firms choose in a quarter, and keeping this code and its log1p call out of the
// agent loop keeps that loop lean.
[[gnu::noinline]] NextProvider choose(const double* row, std::size_t providers, double u, double r,
                                      double inverse_log_keep) {
  const auto [h, rest] = pick_provider_and_rest(row, providers, u);
  return {static_cast<std::uint8_t>(h), r > 0 ? reevaluation_countdown(r, inverse_log_keep, rest) : std::uint8_t{0}};
}

// The re-evaluation of a customer of `current` whose countdown has run out, with the uniform v; if it had
// none (`undrawn`), the quarter's plain test instead: re-evaluate if v < r, choosing with v / r (uniform
// given v < r), else keep the provider and count down from (v - r) / (1 - r) (uniform given v >= r).
[[gnu::noinline]] NextProvider reevaluate(const double* choice, std::size_t providers, std::uint8_t current,
                                          bool undrawn, double v, double r, double inverse_log_keep) {
  if (undrawn) {
    if (v >= r) return {current, reevaluation_countdown(r, inverse_log_keep, (v - r) / (1.0 - r))};
    v /= r;
  }
  return choose(choice + current * providers, providers, v, r, inverse_log_keep);
}

}  // namespace

int size_class_of(double employees) {
  if (employees < 10) return 0;
  if (employees < 50) return 1;
  if (employees < 250) return 2;
  return 3;
}

double potential_adopter_share(const Scenario& scenario, int size_class, int sector) {
  const auto& a = scenario.enterprises().adoption();
  const double by_class[kSizeClassCount] = {a.potential_share_micro(), a.potential_share_small(),
                                            a.potential_share_medium(), a.potential_share_large()};
  const double multiplier =
      scenario.enterprises().sector_size() ? scenario.enterprises().sector(sector).potential_multiplier() : 1.0;
  return std::min(1.0, by_class[size_class] * multiplier);
}

void EnterpriseState::resize(std::size_t n) {
  sector.resize(n);
  size_class.resize(n);
  employees.resize(n);
  innovativeness.resize(n);
  productivity.resize(n);
  weight.resize(n);
  potential.resize(n, 1);
  stage.resize(n, Stage::none);
  quarters_in_stage.resize(n, 0);
  low_roi_quarters.resize(n, 0);
  compute_demand.resize(n, 0.0f);
  provider.resize(n, 0);
  reevaluation_countdown.resize(n, 0);
}

double EnterpriseState::bytes_per_agent() const {
  if (stage.empty()) return 0.0;
  const std::size_t bytes = sector.capacity() + size_class.capacity() + stage.capacity() +
                            quarters_in_stage.capacity() + low_roi_quarters.capacity() + provider.capacity() +
                            reevaluation_countdown.capacity() + potential.capacity() +
                            sizeof(float) * (employees.capacity() + innovativeness.capacity() +
                                             productivity.capacity() + weight.capacity() + compute_demand.capacity());
  return static_cast<double>(bytes) / static_cast<double>(stage.size());
}

std::size_t provider_count(const Scenario& scenario) {
  return static_cast<std::size_t>(std::max(1, scenario.hyperscaler_size()));
}

void set_provider_conditions(EnterpriseConditions& c, const Scenario& scenario, double capability, double efficiency,
                             double reference_price, std::span<const double> prices, std::span<const double> served,
                             std::span<const double> attractiveness) {
  const auto& e = scenario.enterprises();
  const auto& choice = e.providers();
  const double epsilon = e.usage().price_elasticity();
  const double kappa_rel = std::pow(capability, e.usage().capability_elasticity()) / efficiency;
  const double kappa_0 = e.usage().intensity_units_per_usd_m();
  const double eta = choice.rationing_roi_elasticity();
  // The table checks the sizes and the prices.
  c.choice_cdf = provider_choice_table(choice, attractiveness, prices, reference_price, served);
  c.reevaluation_probability = choice.reevaluation_probability();
  c.provider_usage_per_usd_m.resize(prices.size());
  c.provider_roi_factor.resize(prices.size());
  for (std::size_t h = 0; h < prices.size(); ++h) {
    const double relative_price = prices[h] / reference_price;
    c.provider_usage_per_usd_m[h] = kappa_0 * kappa_rel * std::pow(relative_price, -epsilon);
    // Value grows with capability, spend with kappa_t * P^(1-epsilon): ROI relative to reference conditions.
    // Rationing: the firm's complementary spending is sized to its full demand, so value scales with
    // served^eta while the ROI stays measured per unit of compute it wanted (ODD.md, section 7.7).
    // pow(1, eta) is exactly 1: a fully served provider gives the unrationed factor bit for bit.
    c.provider_roi_factor[h] = capability / (kappa_rel * std::pow(relative_price, 1.0 - epsilon)) *
                               std::pow(std::clamp(served[h], 0.0, 1.0), eta);
  }
}

double EnterpriseAggregates::firms() const {
  double total = 0;
  for (double f : firms_by_stage) total += f;
  return total;
}

EnterprisePopulation::EnterprisePopulation(Comm& comm, const Scenario& scenario, std::uint32_t replicate)
    : scenario_(scenario),
      key_{scenario.seed(), replicate, kPopulationEnterprises, 0},
      partition_(static_cast<std::uint64_t>(scenario.enterprises().population()), comm.size(), comm.rank()),
      network_(comm, partition_, scenario.enterprises().network().degree(),
               scenario.enterprises().network().rewiring_probability(),
               StreamKey{scenario.seed(), replicate, kPopulationEnterprises, kPurposeNetwork}),
      sectors_(sector_count(scenario)),
      providers_(provider_count(scenario)),
      peer_view_(network_.view_size(), 0),
      sums_(partition_, block_sum_width(sectors_, providers_)),
      block_shift_(std::countr_zero(partition_.block_size())) {
  // Every rank sees the same scenario, so every rank throws alike.
  if (providers_ > 255)
    throw Error(fmt::format("enterprises: {} hyperscalers; at most 255 providers are supported", providers_));
  state_.resize(partition_.local_count());
  draw_traits();
  check_finite(comm, "at set-up", true);
  draw_initial_stages(comm);
  exchange_peers(comm);
}

void EnterprisePopulation::draw_traits() {
  const auto& e = scenario_.enterprises();
  const auto& a = e.adoption();
  // Sector by inverse CDF of the normalised firm shares.
  std::vector<double> cumulative;
  double total_share = 0;
  for (const auto& s : e.sector()) cumulative.push_back(total_share += s.firm_share());
  // Truncated Pareto sizes drawn with the sampling exponent; weights correct for it (see ODD.md).
  const double lo = e.min_employees(), hi = e.max_employees();
  const double alpha = e.size_zipf_exponent(), alpha_s = e.size_sampling_exponent();
  const double tail_s = 1.0 - std::pow(lo / hi, alpha_s), tail = 1.0 - std::pow(lo / hi, alpha);
  const double base_weight = e.represented_firms() / static_cast<double>(e.population());
  const double sigma_innov = a.innovativeness_log_sd();

  StreamKey key = key_;
  key.purpose = kPurposeTraits;
  StreamKey potential_key = key_;
  potential_key.purpose = kPurposePotential;
  for (std::size_t i = 0; i < state_.size(); ++i) {
    Stream rng(key, partition_.begin() + i, 0);
    std::size_t s = 0;
    if (!cumulative.empty()) {
      const double u = rng.uniform() * total_share;
      s = static_cast<std::size_t>(std::upper_bound(cumulative.begin(), cumulative.end(), u) - cumulative.begin());
      s = std::min(s, cumulative.size() - 1);
    }
    const double size = lo * std::pow(1.0 - rng.uniform() * tail_s, -1.0 / alpha_s);
    const double density_ratio = (alpha / tail) / (alpha_s / tail_s) * std::pow(size / lo, alpha_s - alpha);
    const double innov = std::pow(size / a.reference_employees(), a.innovativeness_size_elasticity()) *
                         std::exp(sigma_innov * rng.normal() - 0.5 * sigma_innov * sigma_innov);
    const double log_mean =
        e.sector_size() ? e.sector(static_cast<int>(s)).productivity_log_mean() : Sector().productivity_log_mean();
    const double log_sd =
        e.sector_size() ? e.sector(static_cast<int>(s)).productivity_log_sd() : Sector().productivity_log_sd();
    state_.sector[i] = static_cast<std::uint8_t>(s);
    state_.employees[i] = static_cast<float>(size);
    state_.size_class[i] = static_cast<std::uint8_t>(size_class_of(size));
    state_.weight[i] = static_cast<float>(base_weight * density_ratio);
    state_.innovativeness[i] = static_cast<float>(innov);
    state_.productivity[i] = static_cast<float>(std::exp(log_mean + log_sd * rng.normal()));
    // Potential adopter with probability m, from its own stream keyed by the global id (so the same at
    // any rank count, and the traits above unchanged); m = 1 needs no draw.
    const double m = potential_adopter_share(scenario_, state_.size_class[i], static_cast<int>(s));
    state_.potential[i] = m >= 1.0 || Stream(potential_key, partition_.begin() + i, 0).uniform() < m ? 1 : 0;
  }
}

void EnterprisePopulation::draw_initial_stages(Comm& comm) {
  const auto& a = scenario_.enterprises().adoption();
  // Adopt with probability proportional to innovativeness, scaled so the weighted share hits the target;
  // only potential adopters can be among them.
  // Also the weighted potential-adopter share by sector, for the imitation terms.
  BlockSums mean_innov(partition_, 2 + 2 * sectors_);
  for (std::size_t i = 0; i < state_.size(); ++i) {
    auto row = mean_innov.row(i >> block_shift_);
    if (state_.potential[i]) row[0] += double{state_.weight[i]} * state_.innovativeness[i];
    row[1] += state_.weight[i];
    row[2 + state_.sector[i]] += state_.weight[i];
    if (state_.potential[i]) row[2 + sectors_ + state_.sector[i]] += state_.weight[i];
  }
  const auto totals = mean_innov.combine(comm);
  imitation_scale_.assign(sectors_ + 1, 1.0);
  double potential_total = 0;
  for (std::size_t s = 0; s < sectors_; ++s) {
    potential_total += totals[2 + sectors_ + s];
    if (totals[2 + sectors_ + s] > 0) imitation_scale_[s] = totals[2 + s] / totals[2 + sectors_ + s];
  }
  if (potential_total > 0) imitation_scale_[sectors_] = totals[1] / potential_total;
  const double scale = totals[0] > 0 ? a.initial_adoption_share() * totals[1] / totals[0] : 0.0;
  const int pilot_quarters = scenario_.enterprises().stages().pilot_quarters();
  const double hurdle = scenario_.enterprises().stages().production_roi_hurdle();

  StreamKey key = key_;
  key.purpose = kPurposeInitialStage;
  for (std::size_t i = 0; i < state_.size(); ++i) {
    if (!state_.potential[i]) continue;
    Stream rng(key, partition_.begin() + i, 0);
    if (rng.uniform() >= scale * state_.innovativeness[i]) continue;
    // Only firms whose ROI at reference conditions (the start, in a calibrated scenario) clears the
    // hurdle can already be in production; the rest start as pilots and face the hurdle later.
    if (rng.uniform() < a.initial_production_share() && state_.productivity[i] >= hurdle) {
      state_.stage[i] = Stage::production;
    } else {
      state_.stage[i] = Stage::pilot;
      state_.quarters_in_stage[i] = static_cast<std::uint8_t>(rng.below(static_cast<std::uint64_t>(pilot_quarters)));
    }
  }
  tally_state();
}

void EnterprisePopulation::tally_state() {
  sums_.clear();
  if (state_.size() == 0) return;
  const Tally tally(sums_, sectors_, providers_, block_shift_, state_);
  for (std::size_t i = 0; i < state_.size(); ++i) tally.add(i, state_.stage[i], 0.0);
}

void EnterprisePopulation::check_provider_arrays(const EnterpriseConditions& c) const {
  if (c.provider_usage_per_usd_m.size() != providers_ || c.provider_roi_factor.size() != providers_ ||
      c.choice_cdf.size() != (providers_ + 1) * providers_)
    throw Error(
        fmt::format("enterprises: conditions for {} providers ({} ROI factors, {} choice entries), "
                    "but the scenario has {}",
                    c.provider_usage_per_usd_m.size(), c.provider_roi_factor.size(), c.choice_cdf.size(), providers_));
}

void EnterprisePopulation::choose_initial_providers(const EnterpriseConditions& c) {
  check_provider_arrays(c);
  const double* new_adopter = c.choice_cdf.data() + providers_ * providers_;
  // The countdown comes from the rest of the same uniform: no second draw. With one provider there is
  // nothing to re-evaluate, and with r = 0 nobody does: the countdown stays 0 (none drawn).
  const double r = providers_ > 1 ? c.reevaluation_probability : 0.0;
  const double inverse_log_keep = reevaluation_inverse_log_keep(r);
  StreamKey key = key_;
  key.purpose = kPurposeInitialProvider;
  for (std::size_t i = 0; i < state_.size(); ++i) {
    state_.provider[i] = 0;
    state_.reevaluation_countdown[i] = 0;
    if (!is_adopter(state_.stage[i])) continue;
    const double u = Stream(key, partition_.begin() + i, 0).uniform();
    const auto next = choose(new_adopter, providers_, u, r, inverse_log_keep);
    state_.provider[i] = next.provider;
    state_.reevaluation_countdown[i] = next.countdown;
  }
  tally_state();
}

void EnterprisePopulation::step(int quarter, const EnterpriseConditions& c) {
  check_provider_arrays(c);
  const auto& e = scenario_.enterprises();
  const double p = e.adoption().bass_p_per_year() / 4.0;
  const double readoption = e.adoption().readoption_factor();
  const int pilot_quarters = e.stages().pilot_quarters();
  const double hurdle = e.stages().production_roi_hurdle();
  const double pilot_churn = e.stages().pilot_churn_probability();
  const int patience = e.stages().disappointment_quarters();
  const double pilot_intensity = e.usage().pilot_intensity();
  const double revenue_per_employee = e.revenue_per_employee_usd_m();
  std::vector<double> exposure(sectors_, Sector().ai_exposure());
  for (int s = 0; s < e.sector_size(); ++s) exposure[static_cast<std::size_t>(s)] = e.sector(s).ai_exposure();

  // Draws. Each agent's quarter stream (purpose kPurposeQuarter, time t) has fixed slots: slot 0 is the
  // adoption or pilot-churn draw, as it always was; slot 1 is the provider draw v, for a new adopter's
  // choice or a due re-evaluation. Why not a new purpose: Philox2x64 yields both slots in one block, so a
  // choice costs no second Philox call, and slot 0, hence every earlier draw, is unchanged. With one
  // provider there is nothing to choose and slot 1 is never drawn.
  // Re-evaluation: rather than a draw per adopter and quarter, each adopter carries a countdown to its
  // next re-evaluation, geometric with parameter r and drawn whenever it chooses, from the rest of v
  // (pick_provider_and_rest: uniform and independent of the pick), so the Philox block it already uses
  // serves. Waiting times geometric on {1, 2, ...} make re-evaluation a Bernoulli(r) process over the
  // quarters, as the per-quarter draw was (saturation at 255 aside: (1 - r)^255, 2e-6 at r = 0.05), but
  // an adopter that is not due draws nothing. A countdown of 0 (none drawn yet) falls back to the
  // per-quarter test (reevaluate()).
  StreamKey key = key_;
  key.purpose = kPurposeQuarter;
  const auto t = static_cast<std::uint64_t>(quarter);
  const GlobalId first_id = partition_.begin();
  const double price_term = c.hazard_price_term;
  // Imitation among potential adopters: adopters over the potential, not over all firms (Bass's N/m).
  std::vector<double> imitation_terms(c.imitation);
  for (std::size_t s = 0; s < imitation_terms.size() && s < sectors_; ++s) imitation_terms[s] *= imitation_scale_[s];
  const double peer_coefficient = c.peer_coefficient * imitation_scale_[sectors_];
  const double* imitation = imitation_terms.data();
  const std::size_t providers = providers_;
  const double* usage = c.provider_usage_per_usd_m.data();
  const double* roi_factor = c.provider_roi_factor.data();
  const double* choice = c.choice_cdf.data();  // row h at choice + h * providers
  const double* new_adopter_choice = choice + providers * providers;
  const bool choosing = providers > 1;
  const double reevaluation = c.reevaluation_probability;
  const bool reevaluating = reevaluation > 0;  // r = 0: never; no countdown is drawn or counted
  const double inverse_log_keep = reevaluation_inverse_log_keep(reevaluation);
  sums_.clear();
  if (state_.size() == 0) return;
  const Tally tally(sums_, sectors_, providers_, block_shift_, state_);
  Stage* __restrict stage = state_.stage.data();
  std::uint8_t* __restrict in_stage = state_.quarters_in_stage.data();
  std::uint8_t* __restrict low_roi = state_.low_roi_quarters.data();
  std::uint8_t* __restrict provider = state_.provider.data();
  std::uint8_t* __restrict countdown = state_.reevaluation_countdown.data();
  float* __restrict demand = state_.compute_demand.data();
  const float* __restrict innovativeness = state_.innovativeness.data();
  const float* __restrict productivity = state_.productivity.data();
  const float* __restrict employees = state_.employees.data();
  const std::uint8_t* __restrict sector = state_.sector.data();
  const std::uint8_t* __restrict potential = state_.potential.data();

  // A firm outside the potential adopters never adopts: it draws nothing and counts no peers.
  auto wants_peers = [&](std::size_t i) {
    return potential[i] && (stage[i] == Stage::none || (stage[i] == Stage::churned && readoption > 0));
  };
  auto update = [&]<bool kChoosing>(std::size_t i, int adopting_peers) {
    const Stage from = stage[i];
    Stage to = from;
    Stream rng(key, first_id + i, t);
    bool drew_slot0 = false;
    // The ROI the agent realises this quarter, with the provider it had (it chooses after deciding).
    const double roi = roi_factor[provider[i]];
    if (from == Stage::none || from == Stage::churned) {
      // Outside the potential adopters, never (no draw); else f_i as for everyone.
      const double factor = !potential[i] ? 0.0 : from == Stage::none ? 1.0 : readoption;
      const double hazard =
          factor * price_term * (p * innovativeness[i] + imitation[sector[i]] + peer_coefficient * adopting_peers);
      if (factor > 0) {
        drew_slot0 = true;
        if (rng.uniform() < hazard) to = Stage::pilot;
      }
    } else if (from == Stage::pilot) {
      in_stage[i] = static_cast<std::uint8_t>(std::min(in_stage[i] + 1, 255));
      if (in_stage[i] >= pilot_quarters) {
        if (productivity[i] * roi >= hurdle) {
          to = Stage::production;
        } else {
          drew_slot0 = true;
          if (rng.uniform() < pilot_churn) to = Stage::churned;
        }
      }
    } else {
      in_stage[i] = static_cast<std::uint8_t>(std::min(in_stage[i] + 1, 255));
      low_roi[i] = productivity[i] * roi < 1.0 ? static_cast<std::uint8_t>(std::min(low_roi[i] + 1, 255)) : 0;
      if (low_roi[i] >= patience) to = Stage::churned;
    }
    if (to != from) {
      stage[i] = to;
      in_stage[i] = 0;
      low_roi[i] = 0;
      tally.transition(i, from, to);
    }
    if (kChoosing && is_adopter(to)) {
      if (!is_adopter(from)) {  // a new adopter: slot 0 was its adoption draw
        const auto next = choose(new_adopter_choice, providers, rng.uniform(), reevaluation, inverse_log_keep);
        provider[i] = next.provider;
        countdown[i] = next.countdown;
      } else if (reevaluating) {
        const std::uint8_t left = countdown[i];
        if (left > 1) {
          countdown[i] = static_cast<std::uint8_t>(left - 1);  // not due: no draw
        } else {                                               // due (1), or none drawn yet (0)
          if (!drew_slot0) rng.next_u64();
          const auto next =
              reevaluate(choice, providers, provider[i], left == 0, rng.uniform(), reevaluation, inverse_log_keep);
          if (next.provider != provider[i]) tally.switched(i);
          provider[i] = next.provider;
          countdown[i] = next.countdown;
        }
      }
    }
    demand[i] = is_adopter(to)
                    ? static_cast<float>(employees[i] * revenue_per_employee * exposure[sector[i]] *
                                         usage[provider[i]] * (to == Stage::production ? 1.0 : pilot_intensity))
                    : 0.0f;
    tally.add(i, to, roi);
  };
  // Compiled twice: with one provider there is nothing to choose, and the loop carries none of that code
  // (it is as fast as before providers existed).
  if (choosing) {
    network_.for_each_peer_sum<std::uint8_t>(
        peer_view_, wants_peers, [&](std::size_t i, int peers) { update.template operator()<true>(i, peers); });
  } else {
    network_.for_each_peer_sum<std::uint8_t>(
        peer_view_, wants_peers, [&](std::size_t i, int peers) { update.template operator()<false>(i, peers); });
  }
}

void EnterprisePopulation::exchange_peers(Comm& comm) {
  const std::size_t offset = network_.owned_offset();
  for (std::size_t i = 0; i < state_.size(); ++i) peer_view_[offset + i] = is_adopter(state_.stage[i]) ? 1 : 0;
  std::span<std::uint8_t> view(peer_view_);
  network_.ghosts().exchange<std::uint8_t>(comm, view.subspan(offset, state_.size()), view);
}

void EnterprisePopulation::check_finite(Comm& comm, const std::string& when, bool traits) const {
  const auto& st = state_;
  std::vector<std::pair<const char*, std::span<const float>>> variables = {{"compute_demand", st.compute_demand}};
  if (traits)
    variables.insert(variables.end(), {{"employees", st.employees},
                                       {"innovativeness", st.innovativeness},
                                       {"productivity", st.productivity},
                                       {"weight", st.weight}});
  // Ranks own ascending ids, and agreed() reports the lowest failing rank: the message names the first id.
  agreed(comm, [&] {
    std::size_t first = kAllFinite;
    const char* name = nullptr;
    float value = 0;
    for (const auto& [variable, values] : variables) {
      const std::size_t i = first_non_finite(values);
      if (i < first) first = i, name = variable, value = values[i];
    }
    if (first != kAllFinite)
      throw Error(
          fmt::format("enterprises: {} = {} for global id {} {}: a non-finite value; check the scenario's "
                      "extreme parameters",
                      name, value, partition_.begin() + first, when));
  });
}

void EnterprisePopulation::corrupt_for_test(GlobalId id) {
  if (partition_.owns(id)) state_.compute_demand[id - partition_.begin()] = std::numeric_limits<float>::quiet_NaN();
}

EnterpriseAggregates EnterprisePopulation::aggregate(Comm& comm) {
  const auto total = sums_.combine(comm);
  EnterpriseAggregates out;
  std::copy_n(&total[kStageFirms], kStageCount, out.firms_by_stage);
  std::copy_n(&total[kClassFirms], kSizeClassCount, out.firms_by_class);
  std::copy_n(&total[kClassAdopters], kSizeClassCount, out.adopters_by_class);
  out.new_pilots = total[kNewPilots];
  out.new_production = total[kNewProduction];
  out.churned_from_pilot = total[kChurnedFromPilot];
  out.churned_from_production = total[kChurnedFromProduction];
  out.compute_demand_units = total[kComputeDemand];
  out.production_roi_weighted = total[kProductionRoi];
  out.provider_switches = total[kProviderSwitches];
  const auto column = [&](std::size_t first) { return total.begin() + static_cast<long>(first); };
  const std::size_t demand_first = kSectorFirms + 2 * sectors_, customers_first = demand_first + providers_;
  out.firms_by_sector.assign(column(kSectorFirms), column(kSectorFirms + sectors_));
  out.adopters_by_sector.assign(column(kSectorFirms + sectors_), column(demand_first));
  out.demand_by_provider.assign(column(demand_first), column(customers_first));
  out.customers_by_provider.assign(column(customers_first), column(customers_first + providers_));
  return out;
}

double EnterprisePopulation::estimated_bytes_per_agent(const Scenario& scenario) {
  const auto& net = scenario.enterprises().network();
  const double rewired = net.degree() * net.rewiring_probability();
  // 27 bytes of state + 1 of peer view + 2 of link mask, 4 per rewired link kept and 16 more while the
  // network is built; a quarter more for vector growth and rounding.
  return 1.25 * (30.0 + 20.0 * rewired);
}

double EnterprisePopulation::bytes_per_agent() const {
  if (state_.size() == 0) return 0.0;
  return state_.bytes_per_agent() + network_.bytes_per_agent() +
         static_cast<double>(peer_view_.capacity()) / static_cast<double>(state_.size());
}

}  // namespace megacycle
