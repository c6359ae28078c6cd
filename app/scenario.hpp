#pragma once
// Loading a scenario: text file (over its base files) -> overrides -> range checks from the schema -> the model's own
// consistency checks. Whatever passes is trusted by the runtime; whatever fails is reported in one
// InputError with file:line:column (or the --set that caused it) for every problem.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenario.pb.h"

namespace megacycle {

struct LoadedScenario {
  struct Source {
    std::string file;  // path as resolved (relative to the folder of the file naming it)
    std::string text;  // its bytes
  };
  Scenario scenario;
  std::string file;                    // path as given
  std::string file_text;               // the file's bytes
  std::vector<Source> bases;           // the files it derives from (`base`), nearest first
  std::vector<std::string> overrides;  // --set assignments, in order
  std::string effective_text;          // the scenario after base, set lines and overrides, canonical text format
};

// An empty `file` starts from the schema's defaults (used by the benchmark). A file that names a
// `base` is read over that base, then its `set` lines are applied (proto/scenario.proto, field base).
LoadedScenario load_scenario(const std::string& file, const std::vector<std::string>& overrides,
                             std::optional<std::uint64_t> seed);

// What load_scenario(loaded.file, overrides, seed) gives, built from the texts `loaded` holds (its file and
// bases as they were read) instead of reading the files again: the same scenario, effective text and
// error messages. A sweep makes each run's scenario this way, so every run sees the files the plan saw.
LoadedScenario reload_scenario(const LoadedScenario& loaded, const std::vector<std::string>& overrides,
                               std::optional<std::uint64_t> seed);

}  // namespace megacycle
