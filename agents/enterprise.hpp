#pragma once
// Enterprise customers adopting AI services (docs/ODD.md, "Enterprises"). State is structure-of-arrays
// over the agents this rank owns, indexed by local index i = global id - partition.begin(). Behaviour
// is the functions of EnterprisePopulation; nothing per agent lives on the heap.
#include <cereal/cereal.hpp>
#include <cereal/types/vector.hpp>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/comm.hpp"
#include "engine/io/checkpoint_format.hpp"
#include "engine/partition.hpp"
#include "engine/reduce.hpp"
#include "engine/ring_network.hpp"
#include "engine/rng.hpp"
#include "engine/serialize.hpp"
#include "scenario.pb.h"

namespace megacycle {

enum class Stage : std::uint8_t { none = 0, pilot = 1, production = 2, churned = 3 };
inline constexpr int kStageCount = 4;
inline constexpr const char* kStageNames[kStageCount] = {"none", "pilot", "production", "churned"};

// Size classes by employees (EU/OECD convention): micro < 10, small < 50, medium < 250, large >= 250.
inline constexpr int kSizeClassCount = 4;
inline constexpr const char* kSizeClassNames[kSizeClassCount] = {"micro", "small", "medium", "large"};
int size_class_of(double employees);

// Share m of the firms of a size class and sector that are potential adopters (ODD 7.2):
// min(1, adoption.potential_share_<class> x sector.potential_multiplier).
double potential_adopter_share(const Scenario& scenario, int size_class, int sector);

// Per-agent state. Fixed traits are drawn once at set-up; the rest changes quarter by quarter.
struct EnterpriseState {
  // Fixed
  std::vector<std::uint8_t> sector;      // index into scenario sectors
  std::vector<std::uint8_t> size_class;  // derived from employees, kept for the aggregation loop
  std::vector<float> employees;          // firm size
  std::vector<float> innovativeness;     // multiplier on the Bass p
  std::vector<float> productivity;       // gamma: ROI at reference conditions
  std::vector<float> weight;             // real firms this agent represents
  // 1 if AI is relevant to the firm at all (a potential adopter, the Bass market potential), else 0:
  // a non-potential firm never adopts. Drawn from its own stream with probability m(size class, sector).
  std::vector<std::uint8_t> potential;
  // Changing
  std::vector<Stage> stage;
  std::vector<std::uint8_t> quarters_in_stage;  // saturates at 255
  std::vector<std::uint8_t> low_roi_quarters;   // consecutive production quarters with ROI < 1
  std::vector<float> compute_demand;            // H100-equivalent units demanded this quarter
  std::vector<std::uint8_t> provider;           // current hyperscaler (index; meaningful for adopters)
  // Quarters until the adopter next re-evaluates its provider: drawn (geometric with the re-evaluation
  // probability r) whenever it chooses one, counted down each quarter it stays an adopter, re-evaluating
  // when it reaches 0. Saturates at 255: a longer draw re-evaluates after 255 quarters, which shows only
  // in runs longer than that with (1 - r)^255 not negligible (r below about 0.02). 0 = none drawn yet
  // (no choice made under r > 0, or a version-2 archive): the next quarter decides by a plain draw with
  // probability r and draws a countdown then.
  std::vector<std::uint8_t> reevaluation_countdown;

  void resize(std::size_t n);
  std::size_t size() const { return stage.size(); }
  // Bytes of state per agent (vector capacities).
  double bytes_per_agent() const;

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t version) {
    ar(sector, size_class, employees, innovativeness, productivity, weight, stage, quarters_in_stage, low_roi_quarters,
       compute_demand);
    if (version >= 2) {
      ar(provider);
    } else {
      provider.assign(stage.size(), 0);  // version 1 had one implicit provider
    }
    if (version >= 3) {
      ar(reevaluation_countdown);
    } else {
      // Version 2 re-evaluated by an independent draw each quarter, so there is no countdown to restore;
      // 0 makes each adopter draw one at its next quarter, which (re-evaluation being memoryless) gives
      // the same process as if the state had never been saved.
      reevaluation_countdown.assign(stage.size(), 0);
    }
    if (version >= 4) {
      ar(potential);
    } else {
      potential.assign(stage.size(), 1);  // before version 4 every firm was a potential adopter
    }
  }
};

// Conditions of one quarter that every enterprise sees (the same on every rank). Per-provider arrays
// have H = max(1, number of hyperscalers) entries: with none listed, one implicit provider.
struct EnterpriseConditions {
  double compute_price = 0;      // price index P, USD per unit-hour
  double hazard_price_term = 1;  // (P / P_ref)^(-epsilon_a), at the price index
  // kappa_t * (P_h / P_ref)^(-epsilon): units per USD million exposed revenue, per provider h
  std::vector<double> provider_usage_per_usd_m;
  // Realised ROI of a customer of h = productivity * this: the ROI factor at P_h times
  // served_h^rationing_roi_elasticity (served_h: the share of demand h served last quarter)
  std::vector<double> provider_roi_factor;
  // Logit choice table, (H + 1) rows of H cumulative probabilities: row c < H for a customer of c,
  // row H for a new adopter (agents/provider_choice.hpp)
  std::vector<double> choice_cdf;
  // r, per adopter and quarter. Adopters draw their countdown to the next re-evaluation from it when they
  // choose (EnterpriseState::reevaluation_countdown), so it must stay the same over a run.
  double reevaluation_probability = 0;
  std::vector<double> imitation;  // per sector: q * (1 - omega) * sector adoption share, last quarter
  double peer_coefficient = 0;    // q * omega / k: added hazard per adopting peer

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t) {
    ar(compute_price, hazard_price_term, provider_usage_per_usd_m, provider_roi_factor, choice_cdf,
       reevaluation_probability, imitation, peer_coefficient);
  }
};

// Number of compute providers enterprises choose among: max(1, scenario.hyperscaler_size()).
std::size_t provider_count(const Scenario& scenario);

// Fills the per-provider fields of `c` (provider_usage_per_usd_m, provider_roi_factor, choice_cdf,
// reevaluation_probability) from the quarter's capability and efficiency indices, the reference price
// P_ref, and per provider h its price P_h (> 0), its served share s_h of last quarter (in [0, 1];
// clamped) and its attractiveness a_h. The spans have one entry per provider, all of the same size.
void set_provider_conditions(EnterpriseConditions& c, const Scenario& scenario, double capability, double efficiency,
                             double reference_price, std::span<const double> prices, std::span<const double> served,
                             std::span<const double> attractiveness);

// Weighted totals over all enterprises, identical on every rank.
struct EnterpriseAggregates {
  double firms_by_stage[kStageCount] = {};
  double firms_by_class[kSizeClassCount] = {};
  double adopters_by_class[kSizeClassCount] = {};
  std::vector<double> firms_by_sector, adopters_by_sector;
  double new_pilots = 0, new_production = 0, churned_from_pilot = 0, churned_from_production = 0;
  double compute_demand_units = 0;
  double production_roi_weighted = 0;  // sum of weight * ROI over production adopters
  // Per provider, over adopters (pilot or production) of it: sum of weight * compute demand, of weight
  std::vector<double> demand_by_provider, customers_by_provider;
  double provider_switches = 0;  // weighted adopters that changed provider this quarter

  double firms() const;
  double adopters() const { return firms_by_stage[1] + firms_by_stage[2]; }

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t) {
    ar(firms_by_stage, firms_by_class, adopters_by_class, firms_by_sector, adopters_by_sector, new_pilots,
       new_production, churned_from_pilot, churned_from_production, compute_demand_units, production_roi_weighted,
       demand_by_provider, customers_by_provider, provider_switches);
  }
};

class EnterprisePopulation {
 public:
  // Draws traits and the initial stages; builds the peer network (collective: all ranks call it).
  EnterprisePopulation(Comm& comm, const Scenario& scenario, std::uint32_t replicate);

  // Adoption, pilot/production decisions, churn and compute demand for quarter t, reading last quarter's
  // peer flags and `conditions`. Synchronous: every agent sees the same previous state.
  // Throws Error if the conditions' per-provider arrays do not have provider_count() entries.
  void step(int quarter, const EnterpriseConditions& conditions);
  // Gives every initial adopter a provider, drawn from the new-adopter row of `conditions` (quarter 0's),
  // and its countdown to the first re-evaluation. Call once, right after construction; aggregate() then
  // counts the initial customers by provider.
  void choose_initial_providers(const EnterpriseConditions& conditions);
  // Publishes this quarter's adoption flags to the peer view and exchanges ghosts.
  void exchange_peers(Comm& comm);
  // Stops the run (on every rank, via agreed()) if any agent's floating-point state is NaN or infinite,
  // naming the variable and the first global id affected. `when` says when, e.g. "in quarter 3 (2025Q4)".
  // Checks the traits at set-up and compute_demand, the only float that changes, every quarter.
  void check_finite(Comm& comm, const std::string& when, bool traits) const;
  // Test-only (MEGACYCLE_TEST_FAULT): makes agent `id`'s compute demand NaN, if this rank owns it.
  void corrupt_for_test(GlobalId id);
  // Totals over all ranks of the state after the last step() (or the initial state). Collective.
  EnterpriseAggregates aggregate(Comm& comm);

  // Upper estimate of the bytes one enterprise costs, set-up temporaries included (for the memory check).
  static double estimated_bytes_per_agent(const Scenario& scenario);

  const Partition& partition() const { return partition_; }
  const EnterpriseState& state() const { return state_; }
  const RingNetwork& network() const { return network_; }
  double bytes_per_agent() const;

  // Checkpoints: the per-agent state that changes, stored by global id. The traits and the peer network
  // are functions of the scenario and seed, drawn again when the population is built; the peer view is
  // derived from the stages (restored() rebuilds it).
  io::AgentSlice checkpoint_slice() {
    auto& s = state_;
    return {"enterprises",
            partition_.population(),
            partition_.begin(),
            partition_.end(),
            {io::agent_column("stage", s.stage), io::agent_column("quarters_in_stage", s.quarters_in_stage),
             io::agent_column("low_roi_quarters", s.low_roi_quarters),
             io::agent_column("compute_demand", s.compute_demand), io::agent_column("provider", s.provider),
             io::agent_column("reevaluation_countdown", s.reevaluation_countdown)}};
  }
  // After checkpoint_slice()'s columns were loaded: publishes the adopters to the peer view. Collective.
  void restored(Comm& comm) { exchange_peers(comm); }

 private:
  void draw_traits();
  void draw_initial_stages(Comm& comm);
  void check_provider_arrays(const EnterpriseConditions& c) const;
  // Block sums of the current state with no flows (set-up).
  void tally_state();

  const Scenario& scenario_;
  StreamKey key_;
  Partition partition_;
  EnterpriseState state_;
  RingNetwork network_;
  std::size_t sectors_;                  // sector count (1 when the scenario lists none)
  std::size_t providers_;                // provider count H (provider_count())
  std::vector<std::uint8_t> peer_view_;  // 1 = adopter (pilot or production), laid out by network_
  BlockSums sums_;
  int block_shift_;  // local index >> block_shift_ = local block (blocks are powers of two, aligned)
  // Bass imitation with a market potential (ODD 7.2): 1 / weighted potential-adopter share, per sector
  // (scales the sector term) and then of all firms (scales the peer term); all 1 when every firm can adopt.
  std::vector<double> imitation_scale_;
};

}  // namespace megacycle

CEREAL_CLASS_VERSION(megacycle::EnterpriseState, 4);
CEREAL_CLASS_VERSION(megacycle::EnterpriseConditions, 1);
CEREAL_CLASS_VERSION(megacycle::EnterpriseAggregates, 1);
