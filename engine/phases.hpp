#pragma once
// A quarter as an ordered list of named phases. The model declares its phases once; the engine runs them
// in that order every quarter and keeps the wall time of each, which the manifest and the benchmark report.
#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace megacycle {

class PhaseList {
 public:
  using Step = std::function<void(int quarter)>;

  void add(std::string name, Step step);
  // Inserts a phase right after the phase called `after` (tests use it to inject faults between phases).
  void add_after(const std::string& after, std::string name, Step step);
  void run_quarter(int quarter);
  std::vector<std::string> names() const;
  // Seconds spent in each phase so far, in phase order.
  std::vector<std::pair<std::string, double>> seconds() const;

 private:
  struct Phase {
    std::string name;
    Step step;
    double seconds = 0.0;
  };
  std::vector<Phase> phases_;
};

}  // namespace megacycle
