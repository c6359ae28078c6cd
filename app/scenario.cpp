#include "app/scenario.hpp"

#include <fmt/core.h>
#include <fmt/ranges.h>
#include <google/protobuf/text_format.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <set>

#include "engine/error.hpp"
#include "engine/io/files.hpp"
#include "engine/io/text_input.hpp"
#include "options.pb.h"

namespace megacycle {
namespace {

// Every schedule of the environment: points in increasing quarter order, values in the range its
// schedule_values option allows (proto/options.proto; > 0 unless NON_NEGATIVE or SHARE).
void check_schedules(io::ValidationReport& report, const Environment& env) {
  const auto* type = Environment::descriptor();
  for (int f = 0; f < type->field_count(); ++f) {
    const auto* field = type->field(f);
    if (field->message_type() != Schedule::descriptor()) continue;
    const auto& schedule = static_cast<const Schedule&>(Environment::GetReflection()->GetMessage(env, field));
    const ScheduleValues allowed = field->options().GetExtension(megacycle::schedule_values);
    for (int i = 0; i < schedule.point_size(); ++i) {
      const auto& point = schedule.point(i);
      const std::string at = fmt::format("environment.{}.point[{}]", field->name(), i);
      if (i > 0 && point.quarter() <= schedule.point(i - 1).quarter())
        report.add(at + ".quarter", fmt::format("{} must be greater than the previous point's quarter ({})",
                                                point.quarter(), schedule.point(i - 1).quarter()));
      const double v = point.value();
      if (allowed == POSITIVE && !(v > 0)) report.add(at + ".value", fmt::format("{} must be > 0", v));
      if (allowed == NON_NEGATIVE && !(v >= 0)) report.add(at + ".value", fmt::format("{} must be >= 0", v));
      if (allowed == SHARE && !(v >= 0 && v < 1)) report.add(at + ".value", fmt::format("{} must be in [0, 1)", v));
    }
  }
}

bool valid_name(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

// Names of the firms of one kind: valid as CSV values and unique. Returns the set of names.
template <class Firms>
std::set<std::string> check_names(io::ValidationReport& report, const std::string& path, const Firms& firms) {
  std::set<std::string> names;
  for (int i = 0; i < firms.size(); ++i) {
    const std::string at = fmt::format("{}[{}].name", path, i);
    const std::string& name = firms.Get(i).name();
    if (!valid_name(name))
      report.add(at, fmt::format("\"{}\": give every firm a name of letters, digits and '_'", name));
    else if (!names.insert(name).second)
      report.add(at, fmt::format("\"{}\" is used by an earlier {}", name, path));
  }
  return names;
}

// The earnings calendar names listed firms (hyperscalers and chip vendors), each once, on days of the quarter.
void check_earnings_calendar(const Scenario& s, const std::set<std::string>& hyperscalers,
                             const std::set<std::string>& vendors, io::ValidationReport& report) {
  const auto& m = s.equity_market();
  const auto& calendar = m.earnings_calendar();
  const int days = m.trading_days_per_quarter();
  std::set<std::string> named;
  for (int i = 0; i < calendar.report_day_size(); ++i) {
    const auto& r = calendar.report_day(i);
    const std::string at = fmt::format("equity_market.earnings_calendar.report_day[{}]", i);
    if (!hyperscalers.count(r.firm()) && !vendors.count(r.firm()))
      report.add(at + ".firm",
                 fmt::format("\"{}\" is not one of the scenario's hyperscalers or chip vendors", r.firm()));
    else if (!named.insert(r.firm()).second)
      report.add(at + ".firm", fmt::format("\"{}\" has an earlier report_day", r.firm()));
    if (r.day() >= days)
      report.add(at + ".day", fmt::format("{} must be below trading_days_per_quarter ({})", r.day(), days));
  }
  if (calendar.default_report_day() >= days)
    report.add("equity_market.earnings_calendar.default_report_day",
               fmt::format("{} must be below trading_days_per_quarter ({})", calendar.default_report_day(), days));
}

// The industry: firms named uniquely, labs renting from a listed hyperscaler, someone to sell chips.
void check_industry(const Scenario& s, io::ValidationReport& report) {
  const auto hyperscalers = check_names(report, "hyperscaler", s.hyperscaler());
  const auto vendors = check_names(report, "chip_vendor", s.chip_vendor());
  check_names(report, "ai_lab", s.ai_lab());
  check_earnings_calendar(s, hyperscalers, vendors, report);
  if (s.hyperscaler_size() > 255)
    report.add("hyperscaler", fmt::format("{} hyperscalers; at most 255", s.hyperscaler_size()));
  for (int i = 0; i < s.ai_lab_size(); ++i)
    if (!hyperscalers.count(s.ai_lab(i).provider()))
      report.add(fmt::format("ai_lab[{}].provider", i),
                 fmt::format("\"{}\" is not one of the scenario's hyperscalers", s.ai_lab(i).provider()));
  if (s.hyperscaler_size() == 0) {
    if (s.chip_vendor_size() > 0 || s.ai_lab_size() > 0)
      report.add(s.chip_vendor_size() > 0 ? "chip_vendor" : "ai_lab",
                 "chip vendors and AI labs need at least one hyperscaler in the scenario");
    return;
  }
  int asic = 0;
  double merchant = 0, attractive = 0;
  for (const auto& v : s.chip_vendor()) {
    asic += v.custom_asic() ? 1 : 0;
    if (!v.custom_asic()) merchant += v.merchant_share();
  }
  if (asic > 1) report.add("chip_vendor", fmt::format("{} vendors have custom_asic: true; at most one", asic));
  if (!(merchant > 0))
    report.add("chip_vendor",
               "hyperscalers need a merchant chip vendor: at least one vendor without custom_asic "
               "and with merchant_share > 0");
  for (const auto& h : s.hyperscaler()) attractive += h.customer_attractiveness();
  if (!(attractive > 0))
    report.add("hyperscaler", "at least one hyperscaler needs customer_attractiveness > 0 (enterprises buy from it)");
}

// Consistency rules the schema's ranges cannot express.
void check_model(const Scenario& s, io::ValidationReport& report) {
  const auto& env = s.environment();
  check_schedules(report, env);
  check_industry(s, report);

  const auto& e = s.enterprises();
  if (!(e.max_employees() > e.min_employees()))
    report.add("enterprises.max_employees",
               fmt::format("{} must exceed min_employees ({})", e.max_employees(), e.min_employees()));
  if (e.sector_size() > 255) report.add("enterprises.sector", fmt::format("{} sectors; at most 255", e.sector_size()));
  std::set<std::string> names;
  double total_share = 0;
  for (int i = 0; i < e.sector_size(); ++i) {
    const auto& sector = e.sector(i);
    const std::string at = fmt::format("enterprises.sector[{}]", i);
    if (!valid_name(sector.name()))
      report.add(at + ".name",
                 fmt::format("\"{}\": use letters, digits and '_' only (it names output columns)", sector.name()));
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

// A chain of base files longer than this is surely a mistake; so is a base file this large.
constexpr std::size_t kMaxBaseDepth = 8;
constexpr std::uintmax_t kMaxBaseBytes = 16u << 20;

// What identifies a file in the chain of bases, for finding cycles.
std::string identity(const std::filesystem::path& path) {
  std::error_code error;
  const auto canonical = std::filesystem::weakly_canonical(path, error);
  return (error ? path.lexically_normal() : canonical).string();
}

// Where resolve() gets the bytes of a base file (`at` names the `base` line, for messages): from disk, or
// from the texts an earlier load read (a sweep loads each run's scenario from those, not from disk again).
using BaseReader = std::function<std::string(const std::filesystem::path& base, const std::string& at)>;

// A base file from disk, refused if it is missing, not a regular file or too large.
std::string read_base_file(const std::filesystem::path& base, const std::string& at) {
  std::error_code error;
  const auto status = std::filesystem::status(base, error);
  if (!std::filesystem::exists(status))
    throw InputError(
        fmt::format("{}: {} does not exist (a relative base is read from the folder of the file "
                    "naming it)",
                    at, base.string()));
  if (!std::filesystem::is_regular_file(status))
    throw InputError(fmt::format("{}: {} is not a regular file", at, base.string()));
  if (const auto size = std::filesystem::file_size(base, error); !error && size > kMaxBaseBytes)
    throw InputError(
        fmt::format("{}: {} has {} bytes; a scenario file has at most {}", at, base.string(), size, kMaxBaseBytes));
  try {
    return io::read_file(base);
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: {}", at, e.what()));
  }
}

// Reads `file` (its bytes are `text`) into `out`, resolved: first the base it names (recursively; a
// relative path is relative to this file's folder), then this file's fields merged over it with lists
// replaced, then this file's `set` lines. `base` and `set` are left cleared. Every location goes into
// `locator`; `chain` holds the identities of the files being read, from the top.
void resolve(const std::string& file, const std::string& text, Scenario& out, io::FieldLocator& locator,
             std::vector<std::string>& chain, std::vector<LoadedScenario::Source>& bases, const BaseReader& read_base) {
  Scenario own;
  io::FieldLocator own_locator(file);
  io::parse_text(file, text, own, own_locator);
  // Every value a file writes must be in range on its own: neither a derived file nor a set line excuses it.
  io::ValidationReport ranges(own_locator);
  ranges.add_lines(io::check_ranges(own, own_locator));
  ranges.throw_if_any();

  out.Clear();
  if (own.has_base()) {
    const std::string at = fmt::format("{}: base \"{}\"", own_locator.locate("base"), own.base());
    const std::filesystem::path base = std::filesystem::path(file).parent_path() / own.base();
    const std::string id = identity(base);
    std::vector<std::string> cycle = chain;
    cycle.push_back(id);
    if (std::find(chain.begin(), chain.end(), id) != chain.end())
      throw InputError(fmt::format("{}: makes a cycle of base files: {}", at, fmt::join(cycle, " -> ")));
    if (chain.size() > kMaxBaseDepth)
      throw InputError(
          fmt::format("{}: more than {} levels of base files: {}", at, kMaxBaseDepth, fmt::join(cycle, " -> ")));
    const std::string base_text = read_base(base, at);
    bases.push_back({base.string(), base_text});
    chain.push_back(id);
    resolve(base.string(), base_text, out, locator, chain, bases, read_base);
    chain.pop_back();
  }
  own.clear_base();
  google::protobuf::RepeatedPtrField<std::string> sets;
  sets.Swap(own.mutable_set());
  io::merge_replacing_lists(own, own_locator, out, locator);
  for (int i = 0; i < sets.size(); ++i)
    io::apply_override(sets.Get(i), out, locator, own_locator.locate(fmt::format("set[{}]", i)));
}

// The scenario `file` (its bytes are `file_text`; its bases come from `read_base`) with `overrides` and `seed`.
LoadedScenario load(const std::string& file, std::string file_text, const std::vector<std::string>& overrides,
                    std::optional<std::uint64_t> seed, const BaseReader& read_base) {
  LoadedScenario out;
  out.file = file;
  out.file_text = std::move(file_text);
  out.overrides = overrides;
  const std::string source = file.empty() ? "<defaults>" : file;
  io::FieldLocator locator(source);
  if (!file.empty()) {
    std::vector<std::string> chain{identity(file)};
    resolve(file, out.file_text, out.scenario, locator, chain, out.bases, read_base);
  }
  for (const auto& assignment : overrides) io::apply_override(assignment, out.scenario, locator);
  if (seed) out.scenario.set_seed(*seed);

  io::ValidationReport report(locator);
  if (out.scenario.has_base()) report.add("base", "a base is read only from a scenario file, not from --set");
  if (out.scenario.set_size() > 0)
    report.add("set[0]", "set lines are read only from a scenario file; give each as its own --set instead");
  report.add_lines(io::check_ranges(out.scenario, locator));
  check_model(out.scenario, report);
  report.throw_if_any();

  google::protobuf::TextFormat::PrintToString(out.scenario, &out.effective_text);
  return out;
}

}  // namespace

LoadedScenario load_scenario(const std::string& file, const std::vector<std::string>& overrides,
                             std::optional<std::uint64_t> seed) {
  return load(file, file.empty() ? "" : io::read_file(file), overrides, seed, read_base_file);
}

LoadedScenario reload_scenario(const LoadedScenario& loaded, const std::vector<std::string>& overrides,
                               std::optional<std::uint64_t> seed) {
  // resolve() asks for the bases in the order it first read them.
  std::size_t next = 0;
  const BaseReader read_again = [&](const std::filesystem::path& base, const std::string&) {
    if (next >= loaded.bases.size() || loaded.bases[next].file != base.string())
      throw Error(fmt::format("{}: base {} was not read when the scenario was loaded", loaded.file, base.string()));
    return loaded.bases[next++].text;
  };
  return load(loaded.file, loaded.file_text, overrides, seed, read_again);
}

}  // namespace megacycle
