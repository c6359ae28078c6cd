#include "agents/equity_market.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "agents/streams.hpp"
#include "agents/valuation.hpp"
#include "engine/error.hpp"
#include "engine/finite.hpp"

namespace megacycle {
namespace {

// Relative tolerance of the market's conservation checks (the accounts' 1e-9).
constexpr double kConservationTolerance = 1e-9;
// Smallest firm fundamental, USD billion: keeps logs finite for a firm whose earnings and book fail.
constexpr double kTinyValue = 1e-6;
// The rest-of-market index starts at this price per share (USD); its shares follow from its value.
constexpr double kRestOfMarketPrice = 100.0;
// A listed firm whose share price opens a quarter below this (USD) consolidates its shares (a reverse split
// by a power of ten) back above it: Nasdaq's minimum bid price (Listing Rule 5550(a)(2)), met in practice
// by reverse splits. Without it a firm issuing equity at a near-zero price multiplies its share count each
// quarter until the price underflows (docs/ODD.md 7.16).
constexpr double kMinSharePrice = 1.0;
// Most of its shares a firm retires in one quarter's buybacks (assumption; see pay_out).
constexpr double kMaxBuybackShare = 0.5;

std::vector<double> opening_prices(const std::vector<Stock>& stocks) {
  std::vector<double> p;
  for (const auto& s : stocks) p.push_back(s.price());
  return p;
}

}  // namespace

double Stock::price() const { return std::exp(log_price); }

double Stock::narrative_growth() const {
  // Log growth per year of the firm's fundamental over the closes kept (up to four quarters).
  if (value_closes < 2) return std::log1p(expected_growth);
  const int span = std::min(value_closes, 4) - 1;
  return (log_value[3] - log_value[3 - span]) * 4.0 / span;
}

EquityMarket::EquityMarket(Comm& comm, const Scenario& scenario, std::uint32_t replicate, const Industry& industry)
    : comm_(comm),
      spec_(scenario.equity_market()),
      finance_(scenario.finance()),
      days_(spec_.trading_days_per_quarter()),
      stocks_([&] {
        std::vector<Stock> s;
        const auto add = [&](const std::string& name, const Books& books, double shares, double price, double growth) {
          Stock x;
          x.name = name, x.books = &books, x.shares = shares, x.log_price = x.log_price_before = std::log(price);
          x.expected_growth = growth;
          s.push_back(std::move(x));
        };
        for (const auto& f : industry.firms())
          if (f.listing)
            add(std::string(f.name), *f.books, f.listing->shares_b, f.listing->initial_share_price_usd,
                f.listing->expected_growth_per_year);
        const auto& rom = scenario.equity_market().rest_of_market();
        Stock r;
        r.name = "RestOfMarket", r.ai = false, r.shares = rom.market_value_usd_b() / kRestOfMarketPrice;
        r.log_price = r.log_price_before = std::log(kRestOfMarketPrice);
        r.expected_growth = rom.fundamental_growth_per_year();
        s.push_back(std::move(r));
        return s;
      }()),
      investors_(
          comm, spec_.investors(), scenario.seed(), replicate,
          [&] {
            std::vector<double> held;
            for (const auto& s : stocks_) held.push_back(s.shares);
            return held;
          }(),
          opening_prices(stocks_)),
      noise_key_{scenario.seed(), replicate, kPopulationMarket, kPurposeMarketNoise},
      report_key_{scenario.seed(), replicate, kPopulationMarket, kPurposeReportDay} {
  for (std::size_t j = 0; j + 1 < stocks_.size(); ++j)
    typical_report_day_.push_back(typical_report_day(spec_.earnings_calendar(), stocks_[j].name, days_));
  const auto& held = investors_.totals().holdings;
  for (std::size_t j = 0; j < stocks_.size(); ++j) stocks_[j].inventory = stocks_[j].shares - held[j];  // rounding only
  fundamentalist_scale_ = investors_.totals().fundamentalist_scale;
  sentiment_ = spec_.valuation().initial_price_to_fundamental();
  for (const auto& s : stocks_) history_.push_back({s.name, {}, {}});
  history_.push_back({"AI_index", {}, {}});
}

double EquityMarket::price_to_fundamental(std::size_t j) const {
  const auto& s = stocks_[j];
  return s.fundamental > 0 ? s.price() / s.fundamental : 1.0;
}

double EquityMarket::ai_ratio(bool today) const {
  double value = 0, fundamental = 0;
  for (const auto& s : stocks_) {
    if (!s.ai) continue;
    value += s.shares * (today ? s.day_price.back() : s.price());
    fundamental += s.shares * (today ? s.day_fundamental.back() : s.fundamental);
  }
  return fundamental > 0 ? value / fundamental : 1.0;
}

void EquityMarket::trade_quarter(int t, const EnvironmentNow& env) {
  opening_money_ = investors_.totals().cash + mm_cash_;
  inflows_ = 0;
  gross_flows_ = std::abs(investors_.totals().cash) + std::abs(mm_cash_);
  pay_out(t, env);
  consolidate_shares();
  value_firms(t, env);
  restructure_defaulted();
  schedule_reports(t);
  const std::size_t S = stocks_.size();
  // Orders in proportion to each stock's market value (relative to the mean stock's), fixed for the quarter:
  // the same money for a stock worth 1e-6 of another would buy 1e6 times its shares (docs/ODD.md 7.16).
  double mean_value = 0;
  for (const auto& s : stocks_) mean_value += s.market_value() / static_cast<double>(S);
  order_weight_.clear();
  for (const auto& s : stocks_) order_weight_.push_back(mean_value > 0 ? s.market_value() / mean_value : 0.0);
  demand_f_.assign(static_cast<std::size_t>(days_) * S, 0.0);
  demand_c_.assign(demand_f_.size(), 0.0);
  new_price_.assign(demand_f_.size(), 0.0);
  day_fundamentalist_share_.clear(), day_index_.clear(), day_index_ratio_.clear(), day_index_return_.clear();
  day_volume_.clear();
  for (auto& s : stocks_) s.day_price.clear(), s.day_fundamental.clear(), s.day_return.clear(), s.day_volume.clear();
  volume_ = 0;
  for (int d = 0; d < days_; ++d) trade_day(t, d);
  settle(env);
  check(t);
  sentiment_ = ai_ratio(false);
}

void EquityMarket::pay_out(int t, const EnvironmentNow& env) {
  // Interest on the cash held at the start of the quarter (investors' is paid per investor in settle()).
  const double rate = env.risk_free_rate / 4.0;
  inflows_ += (investors_.totals().cash + mm_cash_) * rate;
  gross_flows_ += (std::abs(investors_.totals().cash) + std::abs(mm_cash_)) * std::abs(rate);
  mm_cash_ += mm_cash_ * rate;
  for (auto& s : stocks_) {
    double dividends = 0, buybacks = 0, issued = 0;
    if (s.books) {
      const auto& st = s.books->statements();
      dividends = st.dividends, buybacks = st.buybacks, issued = st.equity_issued;
    } else if (t > 0) {
      // The rest of market pays its dividend yield on its fundamental value, from outside the model.
      dividends = spec_.rest_of_market().dividend_yield() / 4.0 * s.fundamental_value();
    }
    // Dividends go to the holders at the start of the quarter; the market maker takes the shares the
    // firm buys back and the new shares it issues, at the last close.
    s.dividend_per_share = dividends / s.shares;
    mm_cash_ += s.inventory * s.dividend_per_share + buybacks - issued;
    inflows_ += dividends + buybacks - issued;
    gross_flows_ += std::abs(dividends) + std::abs(s.inventory * s.dividend_per_share) + buybacks + issued;
    // A buyback retires at most kMaxBuybackShare of the shares: one worth more at the last close is a
    // tender at a premium (the firm pays `buybacks` for fewer shares); retiring them all at the close
    // would leave a negative share count.
    const double p = s.price();
    const double retired = std::min(buybacks / p, kMaxBuybackShare * s.shares);
    s.inventory += issued / p - retired;
    s.shares += issued / p - retired;
  }
}

void EquityMarket::consolidate_shares() {
  const double log_floor = std::log(kMinSharePrice), log_ten = std::log(10.0);
  for (std::size_t j = 0; j < stocks_.size(); ++j) {
    auto& s = stocks_[j];
    if (!s.books || s.log_price >= log_floor) continue;
    // In logs: the price may be far below what a double's exp() can represent relative to the floor.
    const double log_k = std::ceil((log_floor - s.log_price) / log_ten) * log_ten;
    const double k = std::exp(log_k);
    s.shares /= k, s.inventory /= k;
    s.log_price += log_k, s.log_price_before += log_k;
    s.fundamental *= k, s.dividend_per_share *= k;
    // The price history is kept split-adjusted, as return series are (CRSP's cumulative adjustment factor).
    for (double& x : history_[j].log_price) x += log_k;
    investors_.consolidate(j, k);
  }
}

void EquityMarket::value_firms(int t, const EnvironmentNow& env) {
  const auto& v = spec_.valuation();
  const double rate = env.risk_free_rate + env.equity_risk_premium;
  for (auto& s : stocks_) {
    double value = 0;
    if (s.books) {
      const auto& st = s.books->statements();
      if (t == 0) {
        s.record.start(st.revenue(), st.net_income(), s.expected_growth, v.earnings_window_quarters());
      } else {
        s.record.push(st.revenue(), st.net_income());
        s.expected_growth = update_expected_growth(v, s.expected_growth, s.record.revenue_growth());
      }
      const double annual = s.record.annual_earnings();
      const double modelled = modelled_value(v, annual, s.expected_growth, rate);
      // At the start the market's valuation sets the level (opening price / initial_price_to_fundamental).
      // What the modelled business does not explain is the firm's other business, valued then and
      // growing at the long-run rate; a modelled business worth more than the target is scaled down.
      // The value never falls below book_value_floor x book equity (a liquidation value), nor below tiny.
      if (t == 0) {
        const double target = s.market_value() / v.initial_price_to_fundamental();
        s.scale = modelled > 0 ? std::min(1.0, target / modelled) : 1.0;
        s.other_value = std::max(0.0, target - std::max(0.0, modelled));
      }
      value = equity_value(s.scale * modelled + s.other_value * std::pow(1.0 + v.long_run_growth_per_year(), t / 4.0),
                           st.book_equity, v.book_value_floor(), finance_.old_shareholders_share(), kTinyValue);
    } else {
      // The rest of market starts at its fundamental, which grows at its given rate.
      value = s.shares * kRestOfMarketPrice * std::pow(1.0 + s.expected_growth, t / 4.0);
    }
    const double per_share = value / s.shares;
    s.fundamental_before = t == 0 ? per_share : s.fundamental;
    s.fundamental = per_share;
    std::rotate(s.log_value, s.log_value + 1, s.log_value + 4);
    s.log_value[3] = std::log(value);
    s.value_closes = std::min(4, s.value_closes + 1);
  }
}

void EquityMarket::schedule_reports(int t) {
  const auto& calendar = spec_.earnings_calendar();
  for (std::size_t j = 0; j < typical_report_day_.size(); ++j) {
    auto& s = stocks_[j];
    s.report_day = report_day(report_key_, j, t, typical_report_day_[j], calendar.report_day_jitter(), days_);
    const double reported = std::log(s.fundamental);
    // Quarter 0, and a firm restructured this quarter (its equity is new): the market expects the
    // fundamental it starts from, growing at the story's rate: no surprise.
    if (t == 0 || (s.books && s.books->statements().defaulted)) {
      s.story = s.narrative_growth();
      s.expected.drift = expected_drift(s.story);
      s.expected.log_value = reported - s.expected.drift * (s.report_day + 1);
    }
    s.expected.anticipate(reported, s.report_day + 1, calendar.report_surprise_share());
  }
}

double EquityMarket::expected_drift(double story) const {
  // The market expects the reported values' trend to go on, within the bounds it puts on expected growth
  // (7.15): a collapse or a boom of the fundamental is not extrapolated day after day.
  const auto& v = spec_.valuation();
  const double lo = std::log1p(-v.max_expected_decline_per_year()), hi = std::log1p(v.max_expected_growth_per_year());
  return std::clamp(story, lo, hi) / (4.0 * days_);
}

double EquityMarket::earnings_day(Stock& s, int d) {
  // On its report day the firm's value of this quarter becomes known: the news is what the market did not
  // expect, and the story (the reported values' trend) and the expected growth are renewed.
  if (d == s.report_day) {
    s.story = s.narrative_growth();
    s.surprise = s.expected.report(std::log(s.fundamental), expected_drift(s.story));
  } else {
    s.expected.advance();
  }
  return s.expected.log_value;
}

void EquityMarket::restructure_defaulted() {
  lender_recovery_ = 0;
  double ai_before = 0, ai_after = 0;
  for (std::size_t j = 0; j < stocks_.size(); ++j) {
    auto& s = stocks_[j];
    if (s.ai) ai_before += s.shares * s.price();
    if (s.books && s.books->statements().defaulted) {
      // The lenders' equity claim buys them a share of the restructured firm at its fundamental value, at
      // most what the old shareholders do not keep (absolute priority with a small deviation).
      const double value = s.fundamental_value(), claim = s.books->statements().debt_to_equity;
      const double cap = 1.0 - finance_.old_shareholders_share();
      const double lenders = value > 0 ? std::min(cap, claim / value) : cap;
      const double held = investors_.totals().holdings[j];
      investors_.dilute(j, 1.0 - lenders);
      // The market maker's own inventory is diluted too; it takes the lenders' shares, and the dividends
      // pay_out() paid on the investors' diluted shares go with them.
      s.inventory += lenders * held;
      mm_cash_ += lenders * held * s.dividend_per_share;
      // The new equity trades from its fundamental: the old price and its momentum are gone.
      s.log_price = s.log_price_before = std::log(s.fundamental);
      s.fundamental_before = s.fundamental;
      // Nor does the jump in value feed the chartists' narrative (growth from the fall to the tiny floor
      // to the restructured value would be thousands of percent a year): its history restarts here.
      std::fill(s.log_value, s.log_value + 4, std::log(value));
      s.value_closes = 1;
      // The market maker pays the lenders for their shares: money leaves the market for the outside lenders.
      const double paid = lenders * value;
      mm_cash_ -= paid;
      inflows_ -= paid;
      lender_recovery_ += paid;
    }
    if (s.ai) ai_after += s.shares * s.price();
  }
  // The AI index records the fall to the restructured price (its constituents and share counts stay).
  if (ai_before > 0) index_level_ *= ai_after / ai_before;
}

void EquityMarket::trade_day(int t, int d) {
  const auto& fw = spec_.dynamics();
  const std::size_t S = stocks_.size();
  const std::uint64_t time =
      static_cast<std::uint64_t>(t) * static_cast<std::uint64_t>(days_) + static_cast<std::uint64_t>(d);
  const double all = investors_.totals().trade_scale;
  const double af = fundamentalist_scale_, ac = all - af;
  const double nf = all > 0 ? af / all : 0.5, nc = 1.0 - nf;
  // Each group's noise: a factor common to all stocks plus the stock's own (Franke-Westerhoff's noise is
  // the group's, not each investor's: idiosyncratic noise would average out over millions of investors).
  Stream common(noise_key_, S, time);
  const double zf = common.normal(), zc = common.normal();
  const double rho = fw.noise_correlation();
  const double a = std::sqrt(rho), b = std::sqrt(1.0 - rho);
  double value_now = 0, value_fundamental = 0, ai_before = 0, ai_after = 0, ai_volume = 0;
  for (std::size_t j = 0; j < S; ++j) {
    auto& s = stocks_[j];
    Stream own(noise_key_, j, time);
    const double ef = a * zf + b * own.normal(), ec = a * zc + b * own.normal();
    // A listed firm's fundamental is the market's expectation (earnings_day); the rest of market's moves
    // evenly over the days.
    const double lf0 = std::log(s.fundamental_before), lf1 = std::log(s.fundamental);
    const double lf_open = s.books ? s.expected.log_value : lf0 + (lf1 - lf0) * d / days_;
    const double lf_close = s.books ? earnings_day(s, d) : lf0 + (lf1 - lf0) * (d + 1) / days_;
    // The chartists' story: the narrative growth as of the firm's last report.
    const double story = s.books ? s.story : s.narrative_growth();
    const double df = fw.fundamentalist_reaction() * (lf_open - s.log_price) + fw.fundamentalist_noise() * ef;
    const double dc = fw.chartist_reaction() * (s.log_price - s.log_price_before) +
                      (s.ai ? fw.narrative_reaction() * story : 0.0) + fw.chartist_noise() * ec;
    const double before = s.price();
    const double log_new =
        s.log_price + fw.news_pass_through() * (lf_close - lf_open) + fw.price_impact() * (nf * df + nc * dc);
    const double p = std::exp(log_new);
    // Investors' orders (USD billion, scaled by the stock's order weight) settle at the new price against
    // the market maker.
    const double w = order_weight_[j];
    const double bought = w * (af * df + ac * dc);
    s.inventory -= bought / p;
    mm_cash_ += bought;
    const double volume = w * (af * std::abs(df) + ac * std::abs(dc));
    const std::size_t k = static_cast<std::size_t>(d) * S + j;
    demand_f_[k] = w * df, demand_c_[k] = w * dc, new_price_[k] = p;
    s.log_price_before = s.log_price, s.log_price = log_new;
    s.day_price.push_back(p), s.day_fundamental.push_back(std::exp(lf_close));
    s.day_return.push_back(log_new - s.log_price_before), s.day_volume.push_back(volume);
    history_[j].log_price.push_back(log_new), history_[j].log_price_to_fundamental.push_back(log_new - lf_close);
    value_now += s.shares * p, value_fundamental += s.shares * std::exp(lf_close);
    if (s.ai) ai_before += s.shares * before, ai_after += s.shares * p, ai_volume += volume;
    volume_ += volume;
  }
  // The AI index: cap-weighted, chained day to day (share counts change only between quarters).
  const double index_return = ai_before > 0 ? std::log(ai_after / ai_before) : 0.0;
  index_level_ *= std::exp(index_return);
  const double ratio = ai_ratio(true);
  day_fundamentalist_share_.push_back(nf), day_index_.push_back(index_level_), day_index_ratio_.push_back(ratio);
  day_index_return_.push_back(index_return), day_volume_.push_back(ai_volume);
  history_.back().log_price.push_back(std::log(index_level_));
  history_.back().log_price_to_fundamental.push_back(std::log(ratio));

  // Switching (Franke-Westerhoff DCA-HPM): attractiveness of fundamentalism from herding and the whole
  // market's mispricing; every investor re-chooses for the next day with the logit probability.
  const double mispricing = std::log(value_now / value_fundamental);
  const double attract = fw.predisposition() + fw.herding() * (nf - nc) + fw.misalignment() * mispricing * mispricing;
  const double p_fundamentalist = 1.0 / (1.0 + std::exp(-fw.switching_intensity() * attract));
  fundamentalist_scale_ = investors_.choose_strategies(comm_, time + 1, d + 1, p_fundamentalist);
}

void EquityMarket::settle(const EnvironmentNow& env) {
  const std::size_t S = stocks_.size();
  const auto D = static_cast<std::size_t>(days_);
  std::vector<double> dividend(S), close(S), chartist(S, 0.0), extra(D * S), extra_value(D, 0.0);
  double chartist_value = 0;
  for (std::size_t j = 0; j < S; ++j) dividend[j] = stocks_[j].dividend_per_share, close[j] = stocks_[j].price();
  for (std::size_t d = 0; d < D; ++d)
    for (std::size_t j = 0; j < S; ++j) {
      const std::size_t k = d * S + j;
      chartist[j] += demand_c_[k] / new_price_[k];
      extra[k] = (demand_f_[k] - demand_c_[k]) / new_price_[k];
      chartist_value += demand_c_[k];
      extra_value[d] += demand_f_[k] - demand_c_[k];
    }
  QuarterSettlement q;
  q.days = days_;
  q.dividend_per_share = dividend, q.close_price = close, q.chartist_shares = chartist;
  q.fundamentalist_extra_shares = extra, q.chartist_value = chartist_value, q.fundamentalist_extra_value = extra_value;
  q.interest_per_quarter = env.risk_free_rate / 4.0;
  investors_.settle(comm_, q);
  fundamentalist_scale_ = investors_.totals().fundamentalist_scale;
}

void EquityMarket::check(int t) {
  // Money: what investors and the market maker hold equals what they held at the quarter's start plus what
  // came in. Relative to the money moved: the rounding of a sum is eps times the sum of its terms' sizes,
  // and investors' and the market maker's cash can be large and of opposite signs while their sum is small.
  const double money = investors_.totals().cash + mm_cash_;
  const double scale = std::max(
      1.0, gross_flows_ + volume_ + std::abs(investors_.totals().cash) + std::abs(mm_cash_) + std::abs(opening_money_));
  money_gap_ = std::abs(money - (opening_money_ + inflows_)) / scale;
  // Shares: investors' holdings plus the market maker's inventory equal the shares outstanding.
  shares_gap_ = 0;
  for (std::size_t j = 0; j < stocks_.size(); ++j) {
    const auto& s = stocks_[j];
    // Relative to the largest position: investors may be long and the market maker short many times over.
    const double held = investors_.totals().holdings[j];
    const double scale_j = std::max({s.shares, std::abs(held), std::abs(s.inventory)});
    shares_gap_ = std::max(shares_gap_, std::abs(held + s.inventory - s.shares) / scale_j);
  }
  if (money_gap_ > kConservationTolerance || shares_gap_ > kConservationTolerance)
    throw Error(
        fmt::format("equity market: conservation check failed in quarter {}: money gap {:.3g}, shares gap {:.3g} "
                    "(relative; tolerance {:g})",
                    t, money_gap_, shares_gap_, kConservationTolerance));
}

}  // namespace megacycle
