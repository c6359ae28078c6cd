#pragma once
// Financing shared by every firm (docs/ODD.md, "Financing and Minsky classes"): interest at a spread
// that rises with leverage, tax, debt falling due, borrowing or equity issuance to restore the cash
// buffer, payouts from positive free cash flow, and the quarter's Minsky class.
#include <array>
#include <cstdint>

#include "agents/accounts.hpp"
#include "agents/environment.hpp"
#include "economy.pb.h"
#include "engine/serialize.hpp"

namespace megacycle {

enum class MinskyClass : std::uint8_t { hedge = 0, speculative = 1, ponzi = 2 };
inline constexpr int kMinskyCount = 3;
inline constexpr const char* kMinskyNames[kMinskyCount] = {"hedge", "speculative", "ponzi"};

// The last four quarters of a flow (EBITDA, capex, demand growth...), oldest first.
class Trailing4 {
 public:
  explicit Trailing4(double fill = 0) { values_.fill(fill); }
  void push(double v);
  double sum() const { return values_[0] + values_[1] + values_[2] + values_[3]; }
  double mean() const { return sum() / 4.0; }
  double latest() const { return values_[3]; }

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t) {
    ar(values_);
  }

 private:
  std::array<double, 4> values_{};
};

// Debt / annual EBITDA, at most 20; a firm with debt and no positive EBITDA counts as 20.
double leverage(double debt, double annual_ebitda);
// Annual borrowing rate: risk-free + base spread + slope x leverage above the free level.
double borrowing_rate(const FinanceRules& rules, double risk_free, double leverage);
// Room under the leverage cap for new debt (>= 0).
double debt_headroom(const FinanceRules& rules, double debt, double annual_ebitda);

// After the quarter's operations are booked: interest, tax, repayment of the debt falling due, then
// borrowing or equity issuance to restore `cash_target`, or payouts above it; closes the books and
// returns the Minsky class of the quarter (minsky_class with the principal that fell due).
MinskyClass settle_quarter(Books& books, const FinanceRules& rules, const EnvironmentNow& env, double cash_target,
                           double annual_ebitda);

// Distress test and resolution (docs/ODD.md 7.13.1), after the books are closed: a firm with debt whose
// net leverage ((debt - cash) / annual EBITDA) exceeds rules.default_leverage or whose book equity is
// negative is distressed; after
// rules.default_quarters distressed quarters in a row it defaults and is restructured: lenders write off
// 1 - recovery_rate of the debt, keep new debt up to restructured_leverage x annual EBITDA and swap the
// rest into equity. Returns whether the firm defaulted.
bool resolve_distress(Books& books, const FinanceRules& rules, double annual_ebitda);

// Minsky (1986, 1992) class of a quarter's statements, with the cash flow available for debt service
// C = EBITDA - depreciation - tax + interest income (operating cash flow net of the capital consumed):
// hedge if C covers interest expense + principal_due, speculative if it covers the interest expense
// only (the principal is rolled over), Ponzi otherwise (debt grows to pay interest). C >= interest
// expense is the same as net income >= 0.
MinskyClass minsky_class(const Statements& s, double principal_due);

}  // namespace megacycle

CEREAL_CLASS_VERSION(megacycle::Trailing4, 1);
