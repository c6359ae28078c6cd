#include "app/sweep.hpp"

#include <fmt/core.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/text_format.h>

#include <cctype>
#include <cmath>
#include <set>

#include "engine/error.hpp"
#include "engine/io/text_input.hpp"

namespace megacycle {
namespace {

using google::protobuf::FieldDescriptor;

// The field a --set path names, or null when the path does not resolve (apply_override then says why).
const FieldDescriptor* leaf_field(const google::protobuf::Descriptor* message, const std::string& path) {
  const FieldDescriptor* field = nullptr;
  std::size_t begin = 0;
  while (message) {
    const std::size_t end = path.find('.', begin);
    std::string segment = path.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
    if (const auto bracket = segment.find('['); bracket != std::string::npos) segment.resize(bracket);
    field = message->FindFieldByName(segment);
    if (!field || end == std::string::npos) return field;
    message = field->message_type();
    begin = end + 1;
  }
  return nullptr;
}

// The --set text of `value` for `field`: integer fields take the rounded value; doubles print the
// shortest text that reads back to the same double.
std::string value_text(const FieldDescriptor& field, double value) {
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT:
      return fmt::format("{}", value);
    default:
      return fmt::format("{}", std::llround(value));
  }
}

bool numeric(const FieldDescriptor& field) {
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT:
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64:
      return !field.is_repeated();
    default:
      return false;
  }
}

// "latin_hypercube" for LATIN_HYPERCUBE: the enum's own name, lower case; "" when unspecified.
std::string design_name(Sweep::Design d) {
  if (d == Sweep::DESIGN_UNSPECIFIED) return "";
  std::string name = Sweep::Design_Name(d);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

}  // namespace

std::vector<std::string> EnsemblePlan::overrides(const PlannedRun& run) const {
  std::vector<std::string> out;
  for (std::size_t j = 0; j < fields.size(); ++j)
    out.push_back(fields[j] + "=" + values[static_cast<std::size_t>(run.point)][j]);
  return out;
}

std::string EnsemblePlan::design_csv(std::uint64_t seed) const {
  const bool sobol = design == "sobol", morris = design == "morris";
  std::string out = "run,point,replicate,seed";
  if (sobol) out += ",design_block,sample";
  if (morris) out += ",trajectory,step";
  for (const auto& f : fields) out += "," + f;
  out += "\n";
  for (const auto& run : runs) {
    const auto p = static_cast<std::size_t>(run.point);
    out += fmt::format("{},{},{},{}", run.index, run.point, run.replicate, seed);
    if (sobol) out += fmt::format(",{},{}", layout.block[p], layout.sample[p]);
    if (morris) out += fmt::format(",{},{}", layout.sample[p], layout.step[p]);
    for (const auto& v : values[p]) out += "," + v;
    out += "\n";
  }
  return out;
}

EnsemblePlan plan_ensemble(const LoadedScenario& loaded, const ScenarioOptions& options, int replicates) {
  EnsemblePlan plan;
  plan.replicates = replicates;
  const Scenario& s = loaded.scenario;
  const std::string where = loaded.file.empty() ? "<defaults>" : loaded.file;
  if (!s.has_sweep()) {
    plan.kind = "ensemble";
    plan.values.assign(1, {});
    plan.layout = designs::grid({});
  } else {
    const Sweep& sweep = s.sweep();
    plan.kind = "sweep";
    plan.design = design_name(sweep.design());
    auto fail = [&](const std::string& what) { throw InputError(fmt::format("{}: sweep: {}", where, what)); };
    if (plan.design.empty()) fail("design: choose GRID, LATIN_HYPERCUBE, SOBOL or MORRIS");
    if (sweep.field_size() == 0) fail("no field to sweep: add field { path: \"...\" ... }");
    const bool grid = sweep.design() == Sweep::GRID;
    std::set<std::string> seen;
    std::vector<const FieldDescriptor*> leaves;
    for (int j = 0; j < sweep.field_size(); ++j) {
      const SweptField& f = sweep.field(j);
      const std::string name = fmt::format("field[{}] \"{}\"", j, f.path());
      if (f.path().empty()) fail(fmt::format("field[{}]: path is empty", j));
      if (!seen.insert(f.path()).second) fail(name + ": swept twice");
      if (f.path().rfind("sweep", 0) == 0 || f.path() == "seed")
        fail(name + ": the seed and the sweep itself cannot be swept");
      if (grid && f.value_size() == 0) fail(name + ": GRID needs at least one value");
      if (grid && (f.has_min() || f.has_max())) fail(name + ": GRID takes a value list, not min/max");
      if (!grid && f.value_size() > 0) fail(name + ": " + plan.design + " takes min and max, not a value list");
      if (!grid && (!f.has_min() || !f.has_max() || !(f.min() < f.max())))
        fail(fmt::format("{}: empty range [{}, {}]: give min < max", name, f.min(), f.max()));
      const FieldDescriptor* leaf = leaf_field(Scenario::descriptor(), f.path());
      // Each value (grid) or range end must load: unknown paths and out-of-range values fail here
      // with the loader's own message.
      std::vector<double> probes =
          grid ? std::vector<double>(f.value().begin(), f.value().end()) : std::vector<double>{f.min(), f.max()};
      for (double v : probes) {
        std::vector<std::string> overrides = options.overrides;
        overrides.push_back(f.path() + "=" + (leaf ? value_text(*leaf, v) : fmt::format("{}", v)));
        try {
          reload_scenario(loaded, overrides, options.seed);
        } catch (const InputError& e) {
          fail(name + ": " + e.what());
        }
      }
      if (!leaf || !numeric(*leaf)) fail(name + ": only numeric fields can be swept");
      plan.fields.push_back(f.path());
      leaves.push_back(leaf);
    }
    const int k = sweep.field_size();
    auto points_needed = [&] {
      if (sweep.points() < 1) fail(fmt::format("points: {} needs points >= 1", plan.design));
    };
    long long design_points = 0;
    switch (sweep.design()) {
      case Sweep::GRID:
        design_points = 1;
        for (const auto& f : sweep.field()) design_points *= f.value_size();
        break;
      case Sweep::LATIN_HYPERCUBE:
        points_needed();
        design_points = sweep.points();
        break;
      case Sweep::SOBOL:
        points_needed();
        design_points = static_cast<long long>(sweep.points()) * (k + 2);
        break;
      case Sweep::MORRIS:
        points_needed();
        design_points = static_cast<long long>(sweep.points()) * (k + 1);
        break;
      default:
        break;
    }
    if (sweep.design() == Sweep::SOBOL && 2 * k > 3000)
      fail(fmt::format("SOBOL handles at most 1500 fields, not {}", k));
    if (design_points * replicates > sweep.max_runs())
      fail(
          fmt::format("the design has {} points x {} replicates = {} runs, more than max_runs = {}; "
                      "raise sweep.max_runs (at most 100000000) or shrink the design",
                      design_points, replicates, design_points * replicates, sweep.max_runs()));
    switch (sweep.design()) {
      case Sweep::GRID: {
        std::vector<std::vector<double>> values;
        for (const auto& f : sweep.field()) values.emplace_back(f.value().begin(), f.value().end());
        plan.layout = designs::grid(values);
        break;
      }
      case Sweep::LATIN_HYPERCUBE:
        plan.layout = designs::latin_hypercube(sweep.points(), k, s.seed());
        break;
      case Sweep::SOBOL:
        plan.layout = designs::saltelli(sweep.points(), k);
        break;
      case Sweep::MORRIS:
        plan.layout = designs::morris(sweep.points(), k, sweep.morris_levels(), s.seed());
        break;
      default:
        break;
    }
    for (const auto& point : plan.layout.points) {
      std::vector<std::string> row;
      for (int j = 0; j < k; ++j) {
        const SweptField& f = sweep.field(j);
        const double x = point[static_cast<std::size_t>(j)];
        const double v = grid ? x : f.min() + x * (f.max() - f.min());
        row.push_back(value_text(*leaves[static_cast<std::size_t>(j)], v));
      }
      plan.values.push_back(std::move(row));
    }
  }
  for (int p = 0; p < plan.points(); ++p)
    for (int r = 0; r < replicates; ++r)
      plan.runs.push_back({static_cast<int>(plan.runs.size()), p, static_cast<std::uint32_t>(r)});
  return plan;
}

LoadedScenario scenario_for_run(const LoadedScenario& loaded, const ScenarioOptions& options, const EnsemblePlan& plan,
                                const PlannedRun& run) {
  std::vector<std::string> overrides = options.overrides;
  for (auto& o : plan.overrides(run)) overrides.push_back(std::move(o));
  LoadedScenario out = reload_scenario(loaded, overrides, options.seed);
  out.scenario.clear_sweep();
  out.effective_text.clear();
  google::protobuf::TextFormat::PrintToString(out.scenario, &out.effective_text);
  return out;
}

}  // namespace megacycle
