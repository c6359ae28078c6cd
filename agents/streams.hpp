#pragma once
// Names of the random streams of the economy: (population, purpose) pairs of engine/rng.hpp's StreamKey.
// Add a new purpose for every new kind of draw, never reuse one: that keeps old draws unchanged.
#include <cstdint>

namespace megacycle {

inline constexpr std::uint8_t kPopulationEnterprises = 1;
inline constexpr std::uint8_t kPopulationInvestors = 2;
inline constexpr std::uint8_t kPopulationMarket = 3;  // the equity market's own draws (id = stock)

inline constexpr std::uint8_t kPurposeTraits = 1;           // sector, size, innovativeness, productivity
inline constexpr std::uint8_t kPurposeInitialStage = 2;     // adopter or not at the start
inline constexpr std::uint8_t kPurposeNetwork = 3;          // Watts-Strogatz rewiring
inline constexpr std::uint8_t kPurposeQuarter = 4;          // the quarter's draws: slot 0 adoption or churn,
                                                            // slot 1 provider choice (new adopter or a due
                                                            // re-evaluation) and, from its rest, the
                                                            // countdown to the next re-evaluation
inline constexpr std::uint8_t kPurposeInitialProvider = 5;  // provider of an initial adopter and, from
                                                            // the same uniform, its countdown
inline constexpr std::uint8_t kPurposePotential = 9;        // potential adopter or not (fixed, drawn at set-up)

// Investors (kPopulationInvestors)
inline constexpr std::uint8_t kPurposeInvestorTraits = 6;  // wealth share, reaction strength, first strategy
inline constexpr std::uint8_t kPurposeStrategy = 7;        // the day's strategy (time = global trading day)
// The equity market (kPopulationMarket)
inline constexpr std::uint8_t kPurposeMarketNoise = 8;  // each group's demand noise (id = stock, or the
                                                        // number of stocks for the common factor)
inline constexpr std::uint8_t kPurposeReportDay = 10;   // a listed firm's report day (id = stock, time = quarter)

}  // namespace megacycle
