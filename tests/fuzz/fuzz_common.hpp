#pragma once
// Shared by the fuzz targets: what counts as a finding, and the properties every accepted scenario
// must have. A finding aborts, so libFuzzer (or the replay driver under ctest) reports it with a stack.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <google/protobuf/text_format.h>

#include "app/scenario.hpp"
#include "engine/error.hpp"
#include "engine/io/text_input.hpp"

namespace megacycle::fuzz {

[[noreturn]] inline void finding(std::string_view what, std::string_view detail = {}) {
  std::fprintf(stderr, "FUZZ FINDING: %.*s\n", static_cast<int>(what.size()), what.data());
  if (!detail.empty()) std::fprintf(stderr, "%.*s\n", static_cast<int>(detail.size()), detail.data());
  std::fflush(stderr);
  std::abort();
}

// The effective text that a run writes into its manifest must read back as the same scenario: parse it
// again, print it again, get the same text.
inline void check_round_trip(const LoadedScenario& loaded) {
  Scenario again;
  io::FieldLocator locator("<effective>");
  try {
    io::parse_text("<effective>", loaded.effective_text, again, locator);
  } catch (const InputError& e) {
    finding("the effective text of an accepted scenario does not parse",
            std::string(e.what()) + "\n--- text:\n" + loaded.effective_text);
  }
  std::string printed;
  google::protobuf::TextFormat::PrintToString(again, &printed);
  if (printed != loaded.effective_text)
    finding("the effective text of an accepted scenario does not print back identically",
            "--- effective:\n" + loaded.effective_text + "--- re-parsed and printed:\n" + printed);
}

}  // namespace megacycle::fuzz
