// libFuzzer target: arbitrary bytes as --set overrides on the baseline scenario.
//
// The input is split at '\n' into up to kMaxAssignments assignments ("path=value"), applied in order
// with megacycle::io::apply_override to the baseline (scenarios/baseline.textproto, parsed once), then
// check_ranges; megacycle::InputError stops at the first bad assignment, as the program does. The same
// assignments go through megacycle::load_scenario(baseline, assignments) (adds the model's checks), and
// the two must agree: a rejected assignment or a range problem means no scenario, and an accepted
// scenario equals the one built directly and reads back from its effective text. Anything else - a
// crash, another exception, a sanitizer report, a broken property - is a finding.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/io/files.hpp"
#include "fuzz_common.hpp"

#ifndef MEGACYCLE_FUZZ_BASELINE
#error "MEGACYCLE_FUZZ_BASELINE (path of the base scenario) must be defined"
#endif

namespace {

constexpr std::size_t kMaxAssignments = 4;

struct Base {
  megacycle::Scenario scenario;
  megacycle::io::FieldLocator locator{MEGACYCLE_FUZZ_BASELINE};
};

const Base& base() {
  static const Base b = [] {
    Base out;
    try {
      megacycle::io::parse_text(MEGACYCLE_FUZZ_BASELINE, megacycle::io::read_file(MEGACYCLE_FUZZ_BASELINE),
                                out.scenario, out.locator);
    } catch (const megacycle::Error& e) {
      megacycle::fuzz::finding("harness: cannot read the base scenario", e.what());
    }
    return out;
  }();
  return b;
}

std::vector<std::string> split_assignments(std::string_view bytes) {
  std::vector<std::string> out;
  while (out.size() < kMaxAssignments) {
    const auto nl = bytes.find('\n');
    out.emplace_back(bytes.substr(0, nl));
    if (nl == std::string_view::npos) break;
    bytes.remove_prefix(nl + 1);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using megacycle::fuzz::finding;
  const std::vector<std::string> assignments =
      split_assignments(std::string_view(reinterpret_cast<const char*>(data), size));

  // 1. The loader API on a copy of the base scenario.
  megacycle::Scenario scenario = base().scenario;
  megacycle::io::FieldLocator locator = base().locator;
  bool applied = true;
  for (const auto& assignment : assignments) {
    try {
      megacycle::io::apply_override(assignment, scenario, locator);
    } catch (const megacycle::InputError& e) {
      applied = false;
      // Documented: "--set <assignment>: <what>". (what() is a C string: it ends at a NUL in the input.)
      const std::string expected = "--set " + assignment + ": ";
      if (!std::string_view(e.what()).starts_with(expected.substr(0, expected.find('\0'))))
        finding("apply_override error does not start with \"--set <assignment>: \"", e.what());
      break;
    }
  }
  std::vector<std::string> range_problems;
  if (applied) range_problems = megacycle::io::check_ranges(scenario, locator);

  // 2. The full load with the same overrides.
  std::optional<megacycle::LoadedScenario> loaded;
  try {
    loaded = megacycle::load_scenario(MEGACYCLE_FUZZ_BASELINE, assignments, std::nullopt);
  } catch (const megacycle::Error&) {  // InputError and its base
  }

  // 3. Agreement.
  if (loaded) {
    if (!applied) finding("load_scenario accepted an override that apply_override rejects");
    if (!range_problems.empty())
      finding("load_scenario accepted a scenario that check_ranges flags", range_problems[0]);
    std::string direct;
    google::protobuf::TextFormat::PrintToString(scenario, &direct);
    if (direct != loaded->effective_text)
      finding("load_scenario and apply_override built different scenarios",
              "--- load_scenario:\n" + loaded->effective_text + "--- apply_override:\n" + direct);
    megacycle::fuzz::check_round_trip(*loaded);
  }
  return 0;
}
