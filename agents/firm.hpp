#pragma once
// One shape for every firm type (hyperscalers, chip vendors, AI labs): a view of a firm's type, name,
// books, Minsky class and stock-market listing, and its type's own firms.csv columns. Each type lists its
// firms (its add_firms()); the industry builds one list of views, in a fixed order, and its totals and
// books check, firms.csv and the equity market's listings iterate that list. So a new firm type is its own
// files plus one registration in Industry's constructor. Views point into the industry's firms, which
// never move once built.
#include <cstddef>
#include <functional>
#include <optional>
#include <string_view>

#include "agents/accounts.hpp"
#include "agents/finance.hpp"
#include "agents/output_table.hpp"

namespace megacycle {

// A listed firm's stock at the start (the equity market's opening state).
struct Listing {
  double shares_b = 0, initial_share_price_usd = 0, expected_growth_per_year = 0;
};

struct FirmView {
  std::string_view type;  // firms.csv's type column: "hyperscaler", "chip_vendor", "ai_lab"
  std::string_view name;  // the scenario's name
  const Books* books = nullptr;
  const MinskyClass* minsky = nullptr;
  std::optional<Listing> listing;  // none: not traded
  // The type's own firms.csv columns this quarter (capex, capacity, prices); columns it leaves out stay
  // absent (firms.csv's column declaration, Industry::firm_columns()).
  std::function<void(NamedRow&)> columns;
  // Set by the industry: the firm's index in the equity market (listed firms, in the industry's order).
  std::size_t stock = 0;
};

}  // namespace megacycle
