#include "agents/finance.hpp"

#include <algorithm>

namespace megacycle {

void Trailing4::push(double v) {
  std::rotate(values_.begin(), values_.begin() + 1, values_.end());
  values_[3] = v;
}

double leverage(double debt, double annual_ebitda) {
  if (debt <= 0) return 0.0;
  // With no positive EBITDA, any debt is as risky as the spread schedule allows: cap it at 20 turns.
  if (annual_ebitda <= 0) return 20.0;
  return std::min(20.0, debt / annual_ebitda);
}

double borrowing_rate(const FinanceRules& rules, double risk_free, double lev) {
  return risk_free + rules.spread_base() + rules.spread_slope() * std::max(0.0, lev - rules.spread_free_leverage());
}

double debt_headroom(const FinanceRules& rules, double debt, double annual_ebitda) {
  return std::max(0.0, rules.leverage_cap() * annual_ebitda - debt);
}

MinskyClass settle_quarter(Books& books, const FinanceRules& rules, const EnvironmentNow& env, double cash_target,
                           double annual_ebitda) {
  const double rate = borrowing_rate(rules, env.risk_free_rate, leverage(books.debt(), annual_ebitda));
  books.interest(rate / 4.0, env.risk_free_rate / 4.0);
  books.pay_tax(rules.tax_rate());
  const double principal = books.debt() / rules.debt_maturity_quarters();
  books.repay(principal);

  if (books.cash() < cash_target) {
    // Restore the buffer: debt within the cap first, equity for the rest when the market is rich,
    // and beyond the cap from the bank when it is not (the cap binds plans, see the capex rules).
    const double need = cash_target - books.cash();
    const double room = debt_headroom(rules, books.debt(), annual_ebitda);
    const double equity =
        env.investor_sentiment >= rules.equity_issuance_sentiment() ? std::max(0.0, need - room) : 0.0;
    books.issue_equity(equity);
    books.borrow(need - equity);
  } else {
    const double fcf = books.statements().free_cash_flow();
    const double share = rules.dividend_payout() + rules.buyback_payout();
    if (fcf > 0 && share > 0) {
      const double payout = std::min(books.cash() - cash_target, fcf * share);
      books.pay_dividends(payout * rules.dividend_payout() / share);
      books.buy_back(payout * rules.buyback_payout() / share);
    }
  }
  books.close_quarter();
  resolve_distress(books, rules, annual_ebitda);

  return minsky_class(books.statements(), principal);
}

bool resolve_distress(Books& books, const FinanceRules& rules, double annual_ebitda) {
  const double debt = books.debt();
  // Net debt, as leverage covenants count it: a firm whose cash covers its debt is not in distress.
  const double net_debt = std::max(0.0, debt - books.cash());
  const bool distressed =
      debt > 0 && (leverage(net_debt, annual_ebitda) > rules.default_leverage() || books.statements().book_equity < 0);
  books.distress_quarters = distressed ? books.distress_quarters + 1 : 0;
  if (books.distress_quarters < rules.default_quarters()) return false;
  // Default: the lenders recover recovery_rate of their claim, as sustainable new debt and as equity.
  const double recovered = rules.recovery_rate() * debt;
  const double new_debt = std::min(recovered, rules.restructured_leverage() * std::max(0.0, annual_ebitda));
  books.restructure(new_debt, debt - recovered);
  books.distress_quarters = 0;
  ++books.defaults;
  return true;
}

MinskyClass minsky_class(const Statements& s, double principal_due) {
  // Cash flow from operations net of the capital consumed (depreciation stands for the reinvestment
  // that keeps the capacity earning it), after tax, plus interest received (docs/ODD.md, 7.13). It
  // exceeds the interest expense exactly when net income is positive, so a loss-making firm is Ponzi.
  const double operating = s.ebitda() - s.depreciation - s.tax + s.interest_income;
  if (operating >= s.interest_expense + principal_due) return MinskyClass::hedge;
  if (operating >= s.interest_expense) return MinskyClass::speculative;
  return MinskyClass::ponzi;
}

}  // namespace megacycle
