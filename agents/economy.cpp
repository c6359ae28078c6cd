#include "agents/economy.hpp"

#include <fmt/core.h>

#include <cmath>

#include "agents/equity_market_diagnostics.hpp"
#include "engine/failure.hpp"
#include "engine/finite.hpp"

namespace megacycle {
namespace {

std::string sector_name(const Scenario& s, std::size_t i) {
  return s.enterprises().sector_size() ? s.enterprises().sector(static_cast<int>(i)).name() : "all";
}

}  // namespace

Economy::Economy(Comm& comm, const Scenario& scenario, std::uint32_t replicate)
    : comm_(comm),
      scenario_(scenario),
      paths_(scenario),
      env_(paths_.at(0)),
      enterprises_(comm, scenario, replicate),
      totals_(enterprises_.aggregate(comm)) {
  if (scenario.hyperscaler_size() > 0) industry_.emplace(scenario, paths_);
  if (industry_ && scenario.equity_market().investors().population() > 0)
    equity_market_.emplace(comm, scenario, replicate, *industry_);
  // Initial adopters choose providers at quarter 0's prices; count them by provider.
  enterprises_.choose_initial_providers(conditions(0));
  totals_ = enterprises_.aggregate(comm);

  // The order of MODEL.md's quarter: environment and the industry's plans (steps 1-3), enterprises (4),
  // compute market (5), chip market and accounts (6-7), the equity market (8), metrics.
  phases_.add("environment", [this](int t) {
    env_ = paths_.at(t);
    if (equity_market_) read_market();
  });
  if (industry_) phases_.add("industry_plans", [this](int t) { industry_->open_quarter(t, env_); });
  phases_.add("enterprise_decisions", [this](int t) {
    current_ = conditions(t);
    enterprises_.step(t, current_);
  });
  phases_.add("numerical_guard", [this](int t) {
    enterprises_.check_finite(comm_, fmt::format("in quarter {} ({})", t, period(t)), false);
  });
  phases_.add("enterprise_aggregates", [this](int t) {
    totals_ = enterprises_.aggregate(comm_);
    check_totals(t);
  });
  if (industry_) {
    phases_.add("compute_market", [this](int t) {
      agreed(comm_, [&] { industry_->clear_compute(t, totals_.demand_by_provider, totals_.adopters()); });
    });
    // Every rank holds the same industry, so a failed stock-flow check fails alike everywhere.
    phases_.add("chip_market_and_accounts", [this](int t) { agreed(comm_, [&] { industry_->close_quarter(t); }); });
  }
  // Every rank holds the same prices and totals, so a failed conservation check fails alike everywhere.
  if (equity_market_)
    phases_.add("equity_market", [this](int t) { agreed(comm_, [&] { equity_market_->trade_quarter(t, env_); }); });
  phases_.add("peer_exchange", [this](int) { enterprises_.exchange_peers(comm_); });
}

EnterpriseConditions Economy::conditions(int t) const {
  const auto& env = scenario_.environment();
  const auto& e = scenario_.enterprises();
  const EnvironmentNow now = paths_.at(t);
  const double price = industry_ ? industry_->price_index() : now.compute_price;
  const double capability = now.capability;
  const double efficiency = now.efficiency;
  const double relative_price = price / env.reference_price_usd_per_unit_hour();

  EnterpriseConditions c;
  c.compute_price = price;
  c.hazard_price_term = now.adoption_hazard_multiplier * std::pow(relative_price, -e.adoption().price_elasticity());
  // Providers: the hyperscalers' posted prices and last quarter's served shares; with no hyperscaler
  // listed, one implicit provider at the environment's price, always fully served.
  const std::vector<double> prices = industry_ ? industry_->prices() : std::vector<double>{price};
  const std::vector<double> served = industry_ ? industry_->served_shares() : std::vector<double>{1.0};
  const std::vector<double> attractiveness = industry_ ? industry_->attractiveness() : std::vector<double>{1.0};
  set_provider_conditions(c, scenario_, capability, efficiency, env.reference_price_usd_per_unit_hour(), prices, served,
                          attractiveness);
  // Value realised per unit of AI use, relative to what adopters expected (ODD 7.1): scales ROI only.
  for (double& roi_factor : c.provider_roi_factor) roi_factor *= now.ai_productivity_multiplier;

  // Imitation reads last quarter's shares (synchronous update). Without peers, the sector carries it all.
  const int k = e.network().degree();
  const double q = e.adoption().bass_q_per_year() / 4.0;
  const double omega = k > 0 ? e.network().peer_weight() : 0.0;
  c.peer_coefficient = k > 0 ? q * omega / k : 0.0;
  for (std::size_t s = 0; s < totals_.firms_by_sector.size(); ++s)
    c.imitation.push_back(q * (1.0 - omega) * ratio_or_zero(totals_.adopters_by_sector[s], totals_.firms_by_sector[s]));
  return c;
}

void Economy::read_market() {
  // Reflexivity (docs/ODD.md): sentiment is the AI index's price / fundamental at the last close, times
  // the scenario's schedule; each hyperscaler's equity premium falls as its own valuation rises.
  env_.investor_sentiment *= equity_market_->sentiment();
  const double elasticity = scenario_.equity_market().reflexivity().cost_of_equity_elasticity();
  std::vector<double> premium;
  for (std::size_t i = 0; i < industry_->hyperscalers().size(); ++i)
    premium.push_back(env_.equity_risk_premium * std::pow(equity_market_->price_to_fundamental(i), -elasticity));
  industry_->set_equity_risk_premia(premium);
}

void Economy::run_quarter(int t) {
  phases_.run_quarter(t);
  last_quarter_ = t;
  // Again at the quarter's end: enterprise_aggregates checks the row before the industry and equity market
  // have moved, so without this their values of the last quarter would never be checked.
  check_totals(t);
}

void Economy::check_totals(int t) const {
  // Every rank holds the same totals, so every rank fails alike; agreed() prints the message once.
  agreed(comm_, [&] {
    const auto row = quarterly_row_for(t);
    for (std::size_t c = 0; c < row.size(); ++c)
      if (const double* v = std::get_if<double>(&row[c]); v && !std::isfinite(*v))
        throw Error(fmt::format("quarterly.csv column {} = {} in quarter {} ({}): a non-finite value",
                                quarterly_header()[c], *v, t, period(t)));
  });
}

std::string Economy::period(int t) const {
  const int q = scenario_.start_quarter() - 1 + t;
  return fmt::format("{}Q{}", scenario_.start_year() + q / 4, q % 4 + 1);
}

std::uint64_t Economy::agents() const { return enterprises_.partition().population(); }

std::vector<std::string> Economy::quarterly_header() const {
  std::vector<std::string> h = {"quarter", "period", "compute_price_usd_per_unit_hour", "capability_index",
                                "algorithmic_efficiency"};
  for (const char* stage : kStageNames) h.push_back(fmt::format("firms_{}", stage));
  h.insert(h.end(), {"adopters", "adoption_share"});
  for (const char* size : kSizeClassNames) h.push_back(fmt::format("adoption_share_{}", size));
  for (std::size_t s = 0; s < totals_.firms_by_sector.size(); ++s)
    h.push_back("adoption_share_sector_" + sector_name(scenario_, s));
  h.insert(h.end(), {"new_pilots", "new_production", "churned_from_pilot", "churned_from_production", "churn",
                     "compute_demand_units", "mean_production_roi"});
  if (industry_) {
    const auto more = industry_->quarterly_header();
    h.insert(h.end(), more.begin(), more.end());
  }
  if (equity_market_) {
    const auto more = EquityMarket::quarterly_header();
    h.insert(h.end(), more.begin(), more.end());
  }
  return h;
}

std::vector<io::CsvWriter::Cell> Economy::quarterly_row() const { return quarterly_row_for(last_quarter_); }

std::vector<io::CsvWriter::Cell> Economy::quarterly_row_for(int t) const {
  const auto& a = totals_;
  std::vector<io::CsvWriter::Cell> row = {static_cast<long long>(t), period(t), current_.compute_price, env_.capability,
                                          env_.efficiency};
  for (double firms : a.firms_by_stage) row.emplace_back(firms);
  row.emplace_back(a.adopters());
  row.emplace_back(ratio_or_zero(a.adopters(), a.firms()));
  for (int c = 0; c < kSizeClassCount; ++c)
    row.emplace_back(ratio_or_zero(a.adopters_by_class[c], a.firms_by_class[c]));
  for (std::size_t s = 0; s < a.firms_by_sector.size(); ++s)
    row.emplace_back(ratio_or_zero(a.adopters_by_sector[s], a.firms_by_sector[s]));
  row.insert(row.end(),
             {a.new_pilots, a.new_production, a.churned_from_pilot, a.churned_from_production,
              a.churned_from_pilot + a.churned_from_production, a.compute_demand_units,
              ratio_or_zero(a.production_roi_weighted, a.firms_by_stage[static_cast<int>(Stage::production)])});
  if (industry_) {
    const auto more = industry_->quarterly_row();
    row.insert(row.end(), more.begin(), more.end());
  }
  if (equity_market_) {
    const auto more = equity_market_->quarterly_row();
    row.insert(row.end(), more.begin(), more.end());
  }
  return row;
}

Outputs Economy::outputs() const {
  Outputs out;
  out.tables.push_back(
      {"quarterly.csv", quarterly_header(), [this](int) { return std::vector<Row>{quarterly_row()}; }});
  if (industry_) {
    auto columns = Industry::firm_columns();
    if (equity_market_) {
      const auto more = EquityMarket::firm_columns();
      columns.insert(columns.end(), more.begin(), more.end());
    }
    out.tables.push_back({"firms.csv", column_names(columns), [this, columns](int t) {
                            std::vector<Row> rows;
                            for (const auto& firm : industry_->firms()) {
                              NamedRow row(columns);
                              industry_->firm_row(firm, t, period(t), row);
                              if (equity_market_ && firm.listing) equity_market_->firm_row(firm.stock, row);
                              rows.push_back(std::move(row).take());
                            }
                            return rows;
                          }});
  }
  if (equity_market_) {
    out.tables.push_back({"daily.csv", EquityMarket::daily_header(),
                          [this](int t) { return equity_market_->daily_rows(t, period(t)); }});
    out.end_of_run.push_back(
        {{"bubbles.csv", "bsadf.csv", "stylized_facts.csv"}, [this](const std::filesystem::path& dir) {
           const int days = equity_market_->days_per_quarter();
           write_equity_market_diagnostics(
               *equity_market_, scenario_.equity_market().diagnostics(), scenario_.seed(),
               [&](long long day) { return period(static_cast<int>(day / days)); }, dir);
         }});
  }
  return out;
}

}  // namespace megacycle
