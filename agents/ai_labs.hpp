#pragma once
// AI labs (docs/ODD.md, "AI labs"): frontier model developers that rent compute from one hyperscaler
// on a growing contract, earn revenue that grows with enterprise adoption, and raise funding rounds
// whose size depends on investor sentiment. Global agents, replicated on every rank.
#include <string>
#include <vector>

#include "agents/accounts.hpp"
#include "agents/environment.hpp"
#include "agents/finance.hpp"
#include "agents/firm.hpp"
#include "scenario.pb.h"

namespace megacycle {

class Hyperscalers;

struct LabState {
  const AiLab* spec;
  std::size_t provider;  // index of the hyperscaler it rents from
  Books books;
  double contract_units;             // compute contracted for the coming quarter
  double contract_this_quarter = 0;  // what this quarter's compute market saw
  // This quarter
  double served = 0, compute_cost = 0, revenue = 0, funding = 0;
  MinskyClass minsky = MinskyClass::hedge;

  LabState(Ledger& ledger, const AiLab& spec, std::size_t provider);
  const std::string& name() const { return spec->name(); }

  // Checkpoints: every member but the scenario's spec and provider.
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t) {
    ar(books, contract_units, contract_this_quarter, served, compute_cost, revenue, funding, minsky);
  }
};

class AiLabs {
 public:
  AiLabs(const Scenario& scenario, Ledger& ledger, std::vector<double> growth_multiplier = {});

  void open_quarter();
  // This quarter's revenue (from outside customers), given the weighted number of adopting enterprises.
  void earn(double adopters, double adopters_at_start);
  // Staff costs, financing (funding rounds), and next quarter's contract from the cash it has.
  void account(int quarter, const EnvironmentNow& env, const FinanceRules& finance,
               const std::vector<double>& provider_prices);

  // The labs, as views (agents/firm.hpp): not listed; their compute contract and its price at `hyperscalers`.
  void add_firms(std::vector<FirmView>& firms, const Hyperscalers& hyperscalers) const;

  std::size_t size() const { return labs_.size(); }
  LabState& operator[](std::size_t l) { return labs_[l]; }
  const LabState& operator[](std::size_t l) const { return labs_[l]; }

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t) {
    serialize_in_place(ar, labs_, "AI labs");
  }

 private:
  std::vector<LabState> labs_;
  std::vector<double> growth_multiplier_;  // environment.ai_demand_growth_multiplier by quarter
};

}  // namespace megacycle

CEREAL_CLASS_VERSION(megacycle::LabState, 1);
CEREAL_CLASS_VERSION(megacycle::AiLabs, 1);
