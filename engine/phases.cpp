#include "engine/phases.hpp"

#include <algorithm>

#include "engine/error.hpp"

namespace megacycle {

void PhaseList::add(std::string name, Step step) { phases_.push_back({std::move(name), std::move(step)}); }

void PhaseList::add_after(const std::string& after, std::string name, Step step) {
  auto it = std::find_if(phases_.begin(), phases_.end(), [&](const Phase& p) { return p.name == after; });
  if (it == phases_.end()) throw Error("no phase named " + after);
  phases_.insert(it + 1, Phase{std::move(name), std::move(step)});
}

void PhaseList::run_quarter(int quarter) {
  for (auto& phase : phases_) {
    const auto start = std::chrono::steady_clock::now();
    phase.step(quarter);
    phase.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
}

std::vector<std::string> PhaseList::names() const {
  std::vector<std::string> out;
  for (const auto& p : phases_) out.push_back(p.name);
  return out;
}

std::vector<std::pair<std::string, double>> PhaseList::seconds() const {
  std::vector<std::pair<std::string, double>> out;
  for (const auto& p : phases_) out.emplace_back(p.name, p.seconds);
  return out;
}

}  // namespace megacycle
