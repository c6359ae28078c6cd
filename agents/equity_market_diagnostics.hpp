#pragma once
// The market's end-of-run diagnostics (docs/outputs.md): Phillips-Shi-Yu bubble tests on every stock's
// and the AI index's log price and log price / fundamental (bubbles.csv, bsadf.csv), and the stylized
// facts of their daily returns (stylized_facts.csv). The statistics are engine/analysis's; this file only
// chooses the series and writes the tables. Run on the writing rank alone: it reads global series.
#include <filesystem>
#include <functional>
#include <string>

#include "agents/equity_market.hpp"
#include "equity_market.pb.h"

namespace megacycle {

// Writes the three files into `dir`. period_of_day names the quarter of a global trading day.
void write_equity_market_diagnostics(const EquityMarket& market, const BubbleDiagnostics& spec, std::uint64_t seed,
                                     const std::function<std::string(long long)>& period_of_day,
                                     const std::filesystem::path& dir);

}  // namespace megacycle
