#include "agents/equity_market_diagnostics.hpp"

#include <fmt/core.h>

#include <cmath>

#include "engine/analysis/psy.hpp"
#include "engine/analysis/stylized_facts.hpp"
#include "engine/io/csv.hpp"

namespace megacycle {
namespace {

using Row = std::vector<io::CsvWriter::Cell>;
constexpr std::size_t kMaxAcfLag = 100;
constexpr double kTailFraction = 0.05;

void write_stylized_facts(const EquityMarket& market, const std::filesystem::path& dir) {
  std::vector<std::string> header = {"series",          "observations",      "mean", "sd", "acf_r1", "excess_kurtosis",
                                     "hill_tail_index", "hill_tail_fraction"};
  for (std::size_t k = 1; k <= kMaxAcfLag; ++k) header.push_back(fmt::format("acf_abs_{}", k));
  io::CsvWriter out(dir / "stylized_facts.csv", header);
  for (const auto& s : market.history()) {
    std::vector<double> r;
    for (std::size_t d = 1; d < s.log_price.size(); ++d) r.push_back(s.log_price[d] - s.log_price[d - 1]);
    const auto f = analysis::stylized_facts(r, kMaxAcfLag, kTailFraction);
    Row row = {s.name,
               static_cast<long long>(f.observations),
               f.mean,
               f.sd,
               f.acf_r1,
               f.excess_kurtosis,
               f.hill_tail_index,
               f.hill_tail_fraction};
    for (std::size_t k = 0; k < kMaxAcfLag; ++k) row.emplace_back(k < f.acf_abs.size() ? f.acf_abs[k] : NAN);
    out.row(row);
  }
  out.close();
}

}  // namespace

void write_equity_market_diagnostics(const EquityMarket& market, const BubbleDiagnostics& spec, std::uint64_t seed,
                                     const std::function<std::string(long long)>& period_of_day,
                                     const std::filesystem::path& dir) {
  write_stylized_facts(market, dir);

  io::CsvWriter bubbles(
      dir / "bubbles.csv",
      {"series",        "measure",  "samples",     "sample_every_days", "gsadf",      "gsadf_critical_value",
       "explosive",     "episode",  "start_day",   "start_period",      "end_day",    "end_period",
       "duration_days", "peak_day", "peak_period", "peak_value",        "trough_day", "crash_log",
       "crash_share",   "ongoing"});
  io::CsvWriter sequence(dir / "bsadf.csv",
                         {"series", "measure", "sample", "day", "period", "value", "bsadf", "critical_value"});
  const auto every = static_cast<std::size_t>(spec.sample_every_days());
  const std::size_t days = market.history().front().log_price.size();
  const std::size_t T = days / every;
  const int lags = spec.adf_lags();
  // Too short for the test (fewer samples than two minimum windows): the files keep their headers only.
  const std::size_t window = analysis::psy_min_window(T, lags);
  if (spec.critical_value_replications() > 0 && T >= 2 * window && T >= static_cast<std::size_t>(2 * (lags + 5))) {
    const auto cv = analysis::psy_critical_values(T, window, lags, spec.critical_value_replications(), seed,
                                                  1.0 - spec.significance());
    const std::size_t min_duration = spec.min_episode_samples() > 0
                                         ? static_cast<std::size_t>(spec.min_episode_samples())
                                         : static_cast<std::size_t>(std::lround(std::log(static_cast<double>(T))));
    const auto day_of = [&](std::size_t i) { return static_cast<long long>((i + 1) * every - 1); };
    for (const auto& s : market.history()) {
      for (const auto* measure : {"log_price", "log_price_to_fundamental"}) {
        const auto& daily = std::string(measure) == "log_price" ? s.log_price : s.log_price_to_fundamental;
        std::vector<double> y(T);
        for (std::size_t i = 0; i < T; ++i) y[i] = daily[static_cast<std::size_t>(day_of(i))];
        const auto b = analysis::bsadf(y, window, lags);
        const double g = analysis::gsadf(b);
        const auto episodes = analysis::date_episodes(y, b, cv.bsadf, min_duration);
        const Row head = {s.name,
                          std::string(measure),
                          static_cast<long long>(T),
                          static_cast<long long>(every),
                          g,
                          cv.gsadf,
                          static_cast<long long>(g > cv.gsadf ? 1 : 0)};
        if (episodes.empty()) {
          Row row = head;
          row.emplace_back(0LL);
          row.insert(row.end(), 12, std::string());
          bubbles.row(row);
        }
        for (std::size_t e = 0; e < episodes.size(); ++e) {
          const auto& x = episodes[e];
          Row row = head;
          row.insert(row.end(), {static_cast<long long>(e + 1), day_of(x.start), period_of_day(day_of(x.start)),
                                 day_of(x.end), period_of_day(day_of(x.end)), day_of(x.end) - day_of(x.start),
                                 day_of(x.peak), period_of_day(day_of(x.peak)), x.peak_value, day_of(x.trough), x.crash,
                                 1.0 - std::exp(-x.crash), static_cast<long long>(x.ongoing ? 1 : 0)});
          bubbles.row(row);
        }
        for (std::size_t i = 0; i < T; ++i)
          sequence.row({s.name, std::string(measure), static_cast<long long>(i), day_of(i), period_of_day(day_of(i)),
                        y[i], b[i], cv.bsadf[i]});
      }
    }
  }
  bubbles.close();
  sequence.close();
}

}  // namespace megacycle
