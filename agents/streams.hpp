#pragma once
// Names of the random streams of the economy: (population, purpose) pairs of engine/rng.hpp's StreamKey.
// Add a new purpose for every new kind of draw, never reuse one: that keeps old draws unchanged.
#include <cstdint>

namespace megacycle {

inline constexpr std::uint8_t kPopulationEnterprises = 1;

inline constexpr std::uint8_t kPurposeTraits = 1;        // sector, size, innovativeness, productivity
inline constexpr std::uint8_t kPurposeInitialStage = 2;  // adopter or not at the start
inline constexpr std::uint8_t kPurposeNetwork = 3;       // Watts-Strogatz rewiring
inline constexpr std::uint8_t kPurposeQuarter = 4;       // the quarter's draws: slot 0 adoption or churn,
                                                         // slot 1 provider choice (new adopter or a due
                                                         // re-evaluation) and, from its rest, the
                                                         // countdown to the next re-evaluation
inline constexpr std::uint8_t kPurposeInitialProvider = 5;  // provider of an initial adopter and, from
                                                            // the same uniform, its countdown

}  // namespace megacycle
