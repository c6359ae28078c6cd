#pragma once
// The compute market and the chip market (docs/ODD.md, "Markets"): how demand meets capacity and
// how money changes hands. Both run on global agents, identically on every rank.
#include <vector>

#include "agents/ai_labs.hpp"
#include "agents/chip_vendors.hpp"
#include "agents/environment.hpp"
#include "agents/hyperscalers.hpp"

namespace megacycle {

// Market step 5. Demand per provider (enterprises' from the reduced aggregates, own use, AI-lab
// contracts) meets usable capacity (installed units, as far as powered data centres allow); every
// customer of a short provider is served the same share. Buyers pay for what they are served.
void clear_compute_market(int quarter, Hyperscalers& hyperscalers, AiLabs& labs,
                          const std::vector<double>& enterprise_demand_by_provider);

// Market step 6. Vendors ship from their backlogs pro rata; hyperscalers pay and install.
void clear_chip_market(int quarter, ChipVendors& vendors, Hyperscalers& hyperscalers);

}  // namespace megacycle
