#include "agents/accounts.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "engine/error.hpp"

namespace megacycle {

Ledger::Ledger() {
  for (const char* name : kOutsideNames) open(name, 0.0);
}

int Ledger::open(std::string name, double balance) {
  balance_.push_back(balance);
  name_.push_back(std::move(name));
  opening_total_ += balance;
  return static_cast<int>(balance_.size()) - 1;
}

void Ledger::pay(int from, int to, double amount) {
  // A negative or non-finite payment is a model bug, not bad input: stop with the accounts named.
  if (!(amount >= 0) || !std::isfinite(amount))
    throw Error(fmt::format("ledger: payment of {} from {} to {}: payments must be finite and >= 0", amount, name(from),
                            name(to)));
  balance_[static_cast<std::size_t>(from)] -= amount;
  balance_[static_cast<std::size_t>(to)] += amount;
  paid_ += amount;
  received_ += amount;
}

double Ledger::total() const {
  double sum = 0;
  for (double b : balance_) sum += b;
  return sum;
}

Books::Books(Ledger& ledger, const std::string& name, double cash, double fixed_assets, double debt)
    : ledger_(ledger), account_(ledger.open(name, cash)) {
  s_.cash = cash;
  s_.fixed_assets = fixed_assets;
  s_.debt = debt;
  s_.book_equity = cash + fixed_assets - debt;
  opening_cash_ = cash;
}

void Books::open_quarter() {
  Statements next;
  next.cash = s_.cash;
  next.fixed_assets = s_.fixed_assets;
  next.debt = s_.debt;
  next.book_equity = s_.book_equity;
  s_ = next;
  opening_cash_ = cash();
}

void Books::ai_sale(int payer, double amount) {
  ledger_.pay(payer, account_, amount);
  s_.ai_revenue += amount;
}
void Books::other_sale(int payer, double amount) {
  ledger_.pay(payer, account_, amount);
  s_.other_revenue += amount;
}
void Books::cost_of_sales(int payee, double amount) {
  ledger_.pay(account_, payee, amount);
  s_.cost_of_sales += amount;
}
void Books::operating_expense(int payee, double amount) {
  ledger_.pay(account_, payee, amount);
  s_.operating_expense += amount;
}
void Books::capex(int payee, double amount) {
  ledger_.pay(account_, payee, amount);
  s_.capex += amount;
  s_.fixed_assets += amount;
}
void Books::subsidy(double amount) {
  ledger_.pay(Ledger::outside(Outside::government), account_, amount);
  s_.subsidy += amount;
}
void Books::depreciate(double amount) {
  s_.depreciation += amount;
  s_.fixed_assets -= amount;
}
void Books::interest(double rate_on_debt, double rate_on_cash) {
  const int lenders = Ledger::outside(Outside::lenders);
  const double expense = s_.debt * rate_on_debt, income = std::max(0.0, cash()) * rate_on_cash;
  ledger_.pay(account_, lenders, expense);
  ledger_.pay(lenders, account_, income);
  s_.interest_expense += expense;
  s_.interest_income += income;
}
void Books::borrow(double amount) {
  ledger_.pay(Ledger::outside(Outside::lenders), account_, amount);
  s_.debt_issued += amount;
  s_.debt += amount;
}
void Books::repay(double amount) {
  ledger_.pay(account_, Ledger::outside(Outside::lenders), amount);
  s_.debt_repaid += amount;
  s_.debt -= amount;
}
void Books::issue_equity(double amount) {
  ledger_.pay(Ledger::outside(Outside::shareholders), account_, amount);
  s_.equity_issued += amount;
}
void Books::pay_dividends(double amount) {
  ledger_.pay(account_, Ledger::outside(Outside::shareholders), amount);
  s_.dividends += amount;
}
void Books::buy_back(double amount) {
  ledger_.pay(account_, Ledger::outside(Outside::shareholders), amount);
  s_.buybacks += amount;
}

void Books::sell_chips(Books& buyer, Books& vendor, double amount) {
  buyer.ledger_.pay(buyer.account_, vendor.account_, amount);
  buyer.s_.capex += amount;
  buyer.s_.fixed_assets += amount;
  vendor.s_.ai_revenue += amount;
}

void Books::sell_compute(Books& buyer, Books& provider, double amount) {
  buyer.ledger_.pay(buyer.account_, provider.account_, amount);
  buyer.s_.cost_of_sales += amount;
  provider.s_.ai_revenue += amount;
}

void Books::pay_tax(double tax_rate) {
  const double tax = tax_rate * std::max(0.0, s_.pretax_income());
  ledger_.pay(account_, Ledger::outside(Outside::government), tax);
  s_.tax += tax;
}

void Books::close_quarter() {
  s_.cash = cash();
  // Book equity moves with the income statement and the equity transactions only; the balance sheet
  // balances only if every cash movement above was recorded in the right statement.
  s_.book_equity += s_.net_income() + s_.equity_issued - s_.dividends - s_.buybacks;
}

void Books::restructure(double new_debt, double written_off) {
  const double removed = s_.debt - new_debt;
  s_.debt_written_off += written_off;
  s_.debt_to_equity += removed - written_off;
  s_.debt = new_debt;
  s_.book_equity += removed;
  s_.defaulted = true;
}

double Books::consistency_gap() const {
  const double scale = std::max({1.0, std::abs(s_.cash) + std::abs(s_.fixed_assets)});
  const double cash_gap = (cash() - opening_cash_) - (s_.operating_cash_flow() - s_.capex + s_.financing_cash_flow());
  return std::max(std::abs(s_.balance_gap()), std::abs(cash_gap)) / scale;
}

void Vintages::add(int quarter, double cost, int life, double units, double power_mw) {
  active_.push_back({quarter + 1, quarter + life, cost / life, units, power_mw});
  units_ += units;
  power_mw_ += power_mw;
}

Vintages::Charge Vintages::charge(int quarter) {
  Charge c;
  for (const auto& v : active_)
    if (quarter >= v.first_quarter && quarter <= v.last_quarter) c.depreciation += v.per_quarter;
  // Retire what reaches the end of its life: bought in quarter b, a vintage serves the markets of
  // quarters b+1 .. b+life (it is charged after the market), exactly the quarters it depreciates over.
  auto expired = [&](const Vintage& v) { return v.last_quarter <= quarter; };
  for (const auto& v : active_)
    if (expired(v)) c.retired_units += v.units, c.retired_power_mw += v.power_mw;
  active_.erase(std::remove_if(active_.begin(), active_.end(), expired), active_.end());
  // Re-add what is left rather than subtract what retired: a running difference drifts by rounding
  // and, once the last vintage retires, can leave a fleet of -1e-19 MW that pays a negative bill.
  units_ = power_mw_ = 0;
  for (const auto& v : active_) units_ += v.units, power_mw_ += v.power_mw;
  return c;
}

}  // namespace megacycle
