#include "agents/scenario.hpp"

#include <fmt/core.h>
#include <google/protobuf/text_format.h>

#include <set>

#include "engine/io/manifest.hpp"
#include "engine/io/text_input.hpp"

namespace megacycle {
namespace {

void check_schedule(io::ValidationReport& report, const std::string& path, const Schedule& schedule) {
  for (int i = 0; i < schedule.point_size(); ++i) {
    const auto& point = schedule.point(i);
    const std::string at = fmt::format("{}.point[{}]", path, i);
    if (i > 0 && point.quarter() <= schedule.point(i - 1).quarter())
      report.add(at + ".quarter", fmt::format("{} must be greater than the previous point's quarter ({})",
                                              point.quarter(), schedule.point(i - 1).quarter()));
    if (!(point.value() > 0)) report.add(at + ".value", fmt::format("{} must be > 0", point.value()));
  }
}

bool valid_name(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

// Consistency rules the schema's ranges cannot express.
void check_model(const Scenario& s, io::ValidationReport& report) {
  const auto& env = s.environment();
  check_schedule(report, "environment.compute_price", env.compute_price());
  check_schedule(report, "environment.capability_index", env.capability_index());
  check_schedule(report, "environment.algorithmic_efficiency", env.algorithmic_efficiency());

  const auto& e = s.enterprises();
  if (!(e.max_employees() > e.min_employees()))
    report.add("enterprises.max_employees", fmt::format("{} must exceed min_employees ({})", e.max_employees(),
                                                        e.min_employees()));
  if (e.sector_size() > 255) report.add("enterprises.sector", fmt::format("{} sectors; at most 255", e.sector_size()));
  std::set<std::string> names;
  double total_share = 0;
  for (int i = 0; i < e.sector_size(); ++i) {
    const auto& sector = e.sector(i);
    const std::string at = fmt::format("enterprises.sector[{}]", i);
    if (!valid_name(sector.name()))
      report.add(at + ".name", fmt::format("\"{}\": use letters, digits and '_' only (it names output columns)",
                                           sector.name()));
    else if (!names.insert(sector.name()).second)
      report.add(at + ".name", fmt::format("\"{}\" is used by an earlier sector", sector.name()));
    total_share += sector.firm_share();
  }
  if (e.sector_size() > 0 && !(total_share > 0))
    report.add("enterprises.sector", "firm_share values sum to 0; at least one must be > 0");
  const int degree = e.network().degree();
  if (degree % 2 != 0) report.add("enterprises.network.degree", fmt::format("{} must be even", degree));
  if (degree > 0 && e.population() >= 1 && degree >= e.population())  // a bad population is reported already
    report.add("enterprises.network.degree",
               fmt::format("{} must be below enterprises.population ({})", degree, e.population()));
}

}  // namespace

LoadedScenario load_scenario(const std::string& file, const std::vector<std::string>& overrides,
                             std::optional<std::uint64_t> seed) {
  LoadedScenario out;
  out.file = file;
  out.file_text = file.empty() ? "" : io::read_file(file);
  out.overrides = overrides;
  const std::string source = file.empty() ? "<defaults>" : file;
  io::FieldLocator locator(source);
  io::parse_text(source, out.file_text, out.scenario, locator);
  for (const auto& assignment : overrides) io::apply_override(assignment, out.scenario, locator);
  if (seed) out.scenario.set_seed(*seed);

  io::ValidationReport report(locator);
  report.add_lines(io::check_ranges(out.scenario, locator));
  check_model(out.scenario, report);
  report.throw_if_any();

  google::protobuf::TextFormat::PrintToString(out.scenario, &out.effective_text);
  return out;
}

}  // namespace megacycle
