#include "app/panels.hpp"

#include <fmt/core.h>
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>

#include "engine/error.hpp"
#include "version.hpp"

namespace megacycle {
namespace {

using io::PanelColumn;
using Clock = Panels::Clock;

template <class T>
std::span<const T> view(const std::vector<T>& v) {
  return std::span<const T>(v);
}

// Global ids of this rank's agents.
std::vector<std::uint64_t> ids(const Partition& p) {
  std::vector<std::uint64_t> out(p.local_count());
  std::iota(out.begin(), out.end(), p.begin());
  return out;
}

// Adds the time spent in its scope to `seconds`.
class Timer {
 public:
  explicit Timer(double& seconds, Clock::time_point start = Clock::now()) : seconds_(seconds), start_(start) {}
  ~Timer() { seconds_ += std::chrono::duration<double>(Clock::now() - start_).count(); }

 private:
  double& seconds_;
  Clock::time_point start_;
};

}  // namespace

PanelOptions panel_options(const std::vector<std::string>& names, int every_quarters, const Scenario& scenario) {
  PanelOptions o;
  for (const auto& name : names) {
    if (name == "enterprises") {
      o.enterprises = true;
    } else if (name == "investors") {
      o.investors = true;
    } else {
      throw InputError(fmt::format("--panel {}: unknown population \"{}\"; allowed: {} (comma-separated)",
                                   fmt::join(names, ","), name, fmt::join(kPanelPopulations, ", ")));
    }
  }
  if (every_quarters < 1)
    throw InputError(fmt::format("--panel-every {}: must be at least 1 (quarters between snapshots)", every_quarters));
  o.every_quarters = every_quarters;
  if (o.investors && (scenario.hyperscaler_size() == 0 || scenario.equity_market().investors().population() == 0))
    throw InputError(
        "--panel investors: the scenario has no equity market (it needs at least one hyperscaler and "
        "equity_market.investors.population > 0)");
  return o;
}

bool panel_snapshot_due(int t, int quarters, int every_quarters) {
  return (t + 1) % every_quarters == 0 || t == quarters - 1;
}

Panels::Panels(Comm& comm, const Economy& economy, const Scenario& scenario, const Manifest& manifest,
               const PanelOptions& options, const std::filesystem::path& path)
    : economy_(economy), scenario_(scenario), options_(options), started_(Clock::now()), file_(comm, path) {
  Timer timer(seconds_, started_);
  file_.attribute("program", fmt::format("megacycle {} ({})", manifest.program_version(), manifest.git_commit()));
  file_.attribute("scenario_name", scenario.name());
  file_.attribute("scenario_sha256", manifest.scenario_sha256());
  file_.attribute("seed", std::to_string(manifest.seed()));
  file_.attribute("replicate", std::to_string(manifest.replicate()));
  file_.attribute("snapshots",
                  fmt::format("after every {} quarters of the run and after its last quarter", options.every_quarters));

  if (options.enterprises) {
    const auto& pop = economy.enterprises();
    const auto& p = pop.partition();
    const auto& st = pop.state();
    enterprises_ = &file_.group("enterprises", "enterprise customers adopting AI services (docs/ODD.md, Enterprises)",
                                p.population(), p.begin(), p.local_count());
    const auto& e = scenario.enterprises();
    std::vector<std::string> sectors;
    for (const auto& s : e.sector()) sectors.push_back(s.name());
    if (sectors.empty()) sectors.push_back("all");
    const std::vector<std::string> classes(std::begin(kSizeClassNames), std::end(kSizeClassNames));
    const auto id = ids(p);
    std::vector<double> revenue(st.size());
    for (std::size_t i = 0; i < st.size(); ++i) revenue[i] = st.employees[i] * e.revenue_per_employee_usd_m();
    const PanelColumn columns[] = {
        {"id", "id", "global id of the enterprise, 0..N-1: the same at any number of ranks", view(id)},
        {"sector", "code", "sector (labels: the scenario's enterprises.sector names)", view(st.sector), sectors},
        {"size_class", "code", "size class by employees: micro < 10, small < 50, medium < 250, large >= 250",
         view(st.size_class), classes},
        {"employees", "employees", "firm size", view(st.employees)},
        {"revenue_usd_m_per_year", "USD million per year", "revenue w = employees x revenue_per_employee_usd_m",
         view(revenue)},
        {"innovativeness", "1", "multiplier on the Bass innovation coefficient p", view(st.innovativeness)},
        {"productivity", "1", "gamma: ROI of AI use at reference conditions", view(st.productivity)},
        {"weight", "firms", "real firms this agent represents (weight every count and share by it)", view(st.weight)},
    };
    enterprises_->write_static(columns);
  }
  if (options.investors) {
    if (!economy.equity_market()) throw Error("panels: investors asked for, but the run has no equity market");
    const auto& market = *economy.equity_market();
    const auto& pop = market.investor_population();
    const auto& p = pop.partition();
    const auto& st = pop.state();
    investors_ = &file_.group("investors", "investors trading on the equity market (docs/ODD.md, Investors)",
                              p.population(), p.begin(), p.local_count());
    std::vector<std::string> stocks;
    for (const auto& s : market.stocks()) stocks.push_back(s.name);
    investors_->write_labels("stock", "the stocks, in the order of the last axis of holdings_b_shares", stocks);
    const auto id = ids(p);
    const PanelColumn columns[] = {
        {"id", "id", "global id of the investor, 0..N-1: the same at any number of ranks", view(id)},
        {"weight", "investors", "real investors this agent stands for (its money and shares are their totals)",
         view(st.weight)},
        {"reaction_strength", "1", "s_i: scale of its orders, mean one", view(st.reaction_strength)},
    };
    investors_->write_static(columns);
  }
}

void Panels::quarter_done(int t) {
  if (!panel_snapshot_due(t, economy_.quarters(), options_.every_quarters)) return;
  Timer timer(seconds_);
  if (enterprises_) append_enterprises(t);
  if (investors_) append_investors(t);
}

void Panels::append_enterprises(int t) {
  const auto& st = economy_.enterprises().state();
  const auto& c = economy_.enterprise_conditions();
  const std::size_t n = st.size();
  std::vector<std::int16_t> provider(n, -1);
  std::vector<double> roi(n, std::numeric_limits<double>::quiet_NaN());
  for (std::size_t i = 0; i < n; ++i) {
    if (st.stage[i] != Stage::pilot && st.stage[i] != Stage::production) continue;
    provider[i] = st.provider[i];
    roi[i] = st.productivity[i] * c.provider_roi_factor[st.provider[i]];
  }
  std::vector<std::string> providers;
  for (const auto& h : scenario_.hyperscaler()) providers.push_back(h.name());
  if (providers.empty()) providers.push_back("environment");
  const std::vector<std::string> stages(std::begin(kStageNames), std::end(kStageNames));
  const auto* stage = reinterpret_cast<const std::uint8_t*>(st.stage.data());
  const PanelColumn columns[] = {
      {"stage", "code", "adoption stage at the end of the quarter", std::span<const std::uint8_t>(stage, n), stages},
      {"quarters_in_stage", "quarters", "quarters since entering the stage (saturates at 255)",
       view(st.quarters_in_stage)},
      {"provider", "code",
       "hyperscaler the adopter buys compute from (labels: the scenario's hyperscalers; \"environment\" without "
       "them); -1 for a non-adopter (stage none or churned)",
       view(provider), providers},
      {"compute_demand_units", "H100-equivalent units", "compute demanded this quarter (0 for a non-adopter)",
       view(st.compute_demand)},
      {"roi", "1",
       "ROI of AI use this quarter with its current provider: productivity x the provider's ROI factor "
       "(capability, price, rationing); NaN for a non-adopter",
       view(roi)},
      {"low_roi_quarters", "quarters",
       "consecutive production quarters with ROI below 1 (churn at the scenario's "
       "disappointment_quarters)",
       view(st.low_roi_quarters)},
  };
  enterprises_->append(t, economy_.period(t), columns);
}

void Panels::append_investors(int t) {
  const auto& market = *economy_.equity_market();
  const auto& st = market.investor_population().state();
  const std::size_t n = st.size(), stocks = market.investor_population().stocks();
  std::vector<double> price;
  for (const auto& s : market.stocks()) price.push_back(s.price());
  std::vector<std::uint8_t> strategy(n);
  std::vector<double> wealth(n);
  for (std::size_t i = 0; i < n; ++i) {
    strategy[i] = static_cast<std::uint8_t>(st.strategy[i] & 1u);
    double w = st.cash[i];
    for (std::size_t j = 0; j < stocks; ++j) w += st.holdings[i * stocks + j] * price[j];
    wealth[i] = w;
  }
  const std::vector<std::string> strategies = {"chartist", "fundamentalist"};
  const PanelColumn columns[] = {
      {"strategy", "code", "strategy on the first trading day of the next quarter (drawn at this quarter's close)",
       view(strategy), strategies},
      {"cash_usd_b", "USD billion", "cash after the quarter's settlement", view(st.cash)},
      PanelColumn("holdings_b_shares", "billion shares", "shares held of each stock after the quarter's settlement",
                  view(st.holdings))
          .along("stock", stocks),
      {"wealth_usd_b", "USD billion", "cash + holdings at the quarter's closing prices", view(wealth)},
      {"trade_scale_usd_b", "USD billion per unit of demand",
       "theta x s_i x max(wealth, 0): the scale of its orders in the next quarter", view(st.trade_scale)},
  };
  investors_->append(t, economy_.period(t), columns);
}

void Panels::close() {
  Timer timer(seconds_);
  file_.close();
}

}  // namespace megacycle
