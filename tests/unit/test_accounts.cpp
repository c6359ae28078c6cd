// Money and firm accounts (agents/accounts.hpp) and the financing every firm shares (agents/finance.hpp):
// the ledger conserves money and refuses bad payments, every kind of transaction keeps a firm's books
// consistent while a payment that bypasses the books is caught, straight-line vintages, and
// settle_quarter's borrowing, payouts and Minsky classes on constructed cases.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "agents/accounts.hpp"
#include "agents/environment.hpp"
#include "agents/finance.hpp"
#include "engine/error.hpp"

namespace megacycle {
namespace {

constexpr int kCustomers = static_cast<int>(Outside::customers);
constexpr int kSuppliers = static_cast<int>(Outside::suppliers);

// ---------------------------------------------------------------------------------------------------
// Ledger
// ---------------------------------------------------------------------------------------------------

TEST(Ledger, OutsideSectorsStartAtZero) {
  Ledger ledger;
  ASSERT_EQ(ledger.accounts(), kOutsideCount);
  for (int o = 0; o < kOutsideCount; ++o) {
    EXPECT_EQ(ledger.balance(o), 0.0);
    EXPECT_EQ(ledger.name(o), kOutsideNames[o]);
  }
  EXPECT_EQ(Ledger::outside(Outside::government), 5);
  EXPECT_EQ(ledger.total(), 0.0);
}

TEST(Ledger, ManyPaymentsConserveMoney) {
  Ledger ledger;
  const int a = ledger.open("A", 100.0), b = ledger.open("B", 25.5), c = ledger.open("C", 0.0);
  EXPECT_DOUBLE_EQ(ledger.opening_total(), 125.5);
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int> account(0, ledger.accounts() - 1);
  std::uniform_real_distribution<double> amount(0.0, 50.0);
  double moved = 0;
  for (int i = 0; i < 10000; ++i) {
    const double x = amount(rng);
    ledger.pay(account(rng), account(rng), x);  // balances may go negative: the ledger does not care
    moved += x;
  }
  EXPECT_NEAR(ledger.total(), ledger.opening_total(), 1e-9 * moved);
  EXPECT_EQ(ledger.paid(), ledger.received());
  EXPECT_NEAR(ledger.paid(), moved, 1e-9 * moved);
  // A payment to oneself changes nothing but the flow totals.
  const double before = ledger.balance(c);
  ledger.pay(c, c, 7.0);
  EXPECT_EQ(ledger.balance(c), before);
  ledger.pay(a, b, 0.0);  // zero is allowed
}

TEST(Ledger, RefusesNegativeAndNonFinitePayments) {
  Ledger ledger;
  const int a = ledger.open("A", 10.0), b = ledger.open("B", 0.0);
  for (double bad : {-1.0, -1e-300, std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                     -std::numeric_limits<double>::infinity()}) {
    EXPECT_THROW(ledger.pay(a, b, bad), Error) << "amount " << bad;
    // Refused payments leave nothing behind.
    EXPECT_EQ(ledger.balance(a), 10.0);
    EXPECT_EQ(ledger.balance(b), 0.0);
    EXPECT_EQ(ledger.paid(), 0.0);
  }
  // The message names both accounts.
  try {
    ledger.pay(a, b, -2.0);
    FAIL() << "no exception";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("from A to B"), std::string::npos) << what;
  }
}

// ---------------------------------------------------------------------------------------------------
// Books
// ---------------------------------------------------------------------------------------------------

// One quarter with every transaction kind on two firms that also trade with each other.
void every_transaction(Books& hyper, Books& vendor, Books& lab, double scale) {
  hyper.ai_sale(kCustomers, 12.0 * scale);
  hyper.other_sale(kCustomers, 30.0 * scale);
  hyper.cost_of_sales(kSuppliers, 3.0 * scale);
  hyper.operating_expense(kSuppliers, 20.0 * scale);
  hyper.capex(kSuppliers, 6.0 * scale);
  Books::sell_chips(hyper, vendor, 9.0 * scale);
  Books::sell_compute(lab, hyper, 4.0 * scale);
  hyper.subsidy(0.5 * scale);
  hyper.depreciate(2.5 * scale);
  hyper.interest(0.015, 0.01);
  hyper.borrow(5.0 * scale);
  hyper.repay(1.0 * scale);
  hyper.issue_equity(0.7 * scale);
  hyper.pay_tax(0.21);
  hyper.pay_dividends(1.1 * scale);
  hyper.buy_back(2.2 * scale);

  vendor.ai_sale(kCustomers, 3.0 * scale);
  vendor.cost_of_sales(kSuppliers, 3.5 * scale);
  vendor.operating_expense(kSuppliers, 1.0 * scale);
  vendor.capex(kSuppliers, 0.4 * scale);
  vendor.depreciate(0.3 * scale);
  vendor.interest(0.02, 0.01);
  vendor.pay_tax(0.21);

  lab.ai_sale(kCustomers, 1.0 * scale);
  lab.operating_expense(kSuppliers, 2.0 * scale);
  lab.issue_equity(6.0 * scale);
  lab.interest(0.02, 0.01);
  lab.pay_tax(0.21);  // a loss: no tax
}

TEST(Books, EveryTransactionKindKeepsTheBooksConsistent) {
  Ledger ledger;
  Books hyper(ledger, "Hyper", 50.0, 120.0, 40.0), vendor(ledger, "Vendor", 10.0, 8.0, 2.0),
      lab(ledger, "Lab", 20.0, 0.0, 0.0);
  EXPECT_DOUBLE_EQ(hyper.statements().book_equity, 130.0);  // opening cash + fixed assets - debt
  for (int q = 0; q < 6; ++q) {
    for (Books* b : {&hyper, &vendor, &lab}) b->open_quarter();
    const double equity_before = hyper.statements().book_equity, fixed_before = hyper.statements().fixed_assets;
    const double cash_before = hyper.cash(), debt_before = hyper.debt();
    every_transaction(hyper, vendor, lab, 1.0 + 0.3 * q);
    for (Books* b : {&hyper, &vendor, &lab}) b->close_quarter();

    for (const Books* b : {&hyper, &vendor, &lab}) {
      EXPECT_LT(b->consistency_gap(), 1e-12) << "quarter " << q << ", " << ledger.name(b->account());
      EXPECT_NEAR(b->statements().balance_gap(), 0.0, 1e-12);
    }
    EXPECT_NEAR(ledger.total(), ledger.opening_total(), 1e-12);

    // The statements say what happened: the identities behind the balance sheet, spelled out.
    const auto& s = hyper.statements();
    const double scale = 1.0 + 0.3 * q;
    EXPECT_DOUBLE_EQ(s.ai_revenue, 16.0 * scale);  // 12 from customers + 4 of compute sold to the lab
    EXPECT_DOUBLE_EQ(s.capex, 15.0 * scale);       // 6 from suppliers + 9 of chips
    EXPECT_NEAR(s.fixed_assets, fixed_before + s.capex - s.depreciation, 1e-12);
    EXPECT_NEAR(s.debt, debt_before + s.debt_issued - s.debt_repaid, 1e-12);
    EXPECT_NEAR(s.cash - cash_before, s.free_cash_flow() + s.financing_cash_flow(), 1e-12);
    EXPECT_NEAR(s.book_equity, equity_before + s.net_income() + s.equity_issued - s.dividends - s.buybacks, 1e-12);
    EXPECT_NEAR(s.tax, 0.21 * std::max(0.0, s.pretax_income()), 1e-12);
    EXPECT_EQ(lab.statements().tax, 0.0);
    EXPECT_DOUBLE_EQ(vendor.statements().ai_revenue, 12.0 * scale);  // 3 from outside + 9 from the hyperscaler
    EXPECT_DOUBLE_EQ(lab.statements().cost_of_sales, 4.0 * scale);
  }
}

TEST(Books, APaymentThatBypassesTheBooksIsCaught) {
  // The check must be able to fail: money that leaves the firm's account without a statement entry
  // (here, straight through the ledger) shows up as a books gap, although the ledger still balances.
  Ledger ledger;
  Books firm(ledger, "Firm", 50.0, 100.0, 30.0);
  firm.open_quarter();
  firm.ai_sale(kCustomers, 10.0);
  firm.operating_expense(kSuppliers, 4.0);
  ledger.pay(firm.account(), kSuppliers, 5.0);  // unbooked
  firm.close_quarter();
  EXPECT_NEAR(ledger.total(), ledger.opening_total(), 1e-12);
  EXPECT_NEAR(firm.consistency_gap(), 5.0 / (firm.statements().cash + firm.statements().fixed_assets), 1e-12);
  EXPECT_GT(firm.consistency_gap(), 1e-3);

  // The same with money coming in unbooked.
  Books other(ledger, "Other", 50.0, 100.0, 30.0);
  other.open_quarter();
  ledger.pay(kCustomers, other.account(), 2.0);
  other.close_quarter();
  EXPECT_GT(other.consistency_gap(), 1e-3);
}

TEST(Books, ASaleBetweenFirmsIsOnePayment) {
  // Chips and compute sold between modelled firms: the buyer's cash goes to the seller, nothing to
  // the outside sectors, and both sets of books balance.
  Ledger ledger;
  Books a(ledger, "A", 10.0, 10.0, 0.0), b(ledger, "B", 10.0, 10.0, 0.0);
  a.open_quarter();
  b.open_quarter();
  Books::sell_chips(a, b, 3.0);
  Books::sell_compute(b, a, 1.0);
  a.close_quarter();
  b.close_quarter();
  EXPECT_DOUBLE_EQ(a.cash(), 8.0);
  EXPECT_DOUBLE_EQ(b.cash(), 12.0);
  for (int o = 0; o < kOutsideCount; ++o) EXPECT_EQ(ledger.balance(o), 0.0) << kOutsideNames[o];
  EXPECT_DOUBLE_EQ(a.statements().capex, 3.0);
  EXPECT_DOUBLE_EQ(a.statements().ai_revenue, 1.0);
  EXPECT_DOUBLE_EQ(b.statements().ai_revenue, 3.0);
  EXPECT_DOUBLE_EQ(b.statements().cost_of_sales, 1.0);
  EXPECT_LT(a.consistency_gap(), 1e-12);
  EXPECT_LT(b.consistency_gap(), 1e-12);
}

// ---------------------------------------------------------------------------------------------------
// Vintages
// ---------------------------------------------------------------------------------------------------

TEST(Vintages, DepreciationSumsToCostAndUnitsRetireAtTheEnd) {
  Vintages v;
  const int life = 10;
  v.add(0, 100.0, life, 5.0, 2.0);
  EXPECT_EQ(v.units(), 5.0);
  EXPECT_EQ(v.power_mw(), 2.0);
  double total = 0;
  for (int t = 0; t <= life + 3; ++t) {
    const auto c = v.charge(t);
    total += c.depreciation;
    if (t == 0) {
      EXPECT_EQ(c.depreciation, 0.0) << "no depreciation in the quarter of purchase";
    }
    if (t >= 1 && t <= life) {
      EXPECT_DOUBLE_EQ(c.depreciation, 10.0) << "quarter " << t;
    }
    if (t > life) {
      EXPECT_EQ(c.depreciation, 0.0) << "quarter " << t;
    }
    // Bought in quarter 0, it serves the markets of quarters 1..life and depreciates over them; the
    // charge of its last quarter (made after that quarter's market) retires it.
    if (t < life) {
      EXPECT_EQ(c.retired_units, 0.0) << "quarter " << t;
      EXPECT_EQ(v.units(), 5.0) << "quarter " << t;
    }
    if (t == life) {
      EXPECT_EQ(c.retired_units, 5.0);
      EXPECT_EQ(c.retired_power_mw, 2.0);
    }
    if (t >= life) {
      EXPECT_EQ(v.units(), 0.0) << "quarter " << t;
      EXPECT_EQ(v.power_mw(), 0.0) << "quarter " << t;
    }
    if (t > life) {
      EXPECT_EQ(c.retired_units, 0.0) << "quarter " << t;
    }
  }
  EXPECT_NEAR(total, 100.0, 1e-12);
}

TEST(Vintages, OverlappingVintagesAddUp) {
  Vintages v;
  // Bought before the start (negative quarters), as the opening fleets are, and during the run.
  v.add(-3, 40.0, 4, 1.0);  // depreciates in quarters -2..1, retired by the charge of quarter 1
  v.add(0, 60.0, 3, 2.0);   // 1..3, retired in 3
  v.add(1, 12.0, 6, 4.0);   // 2..7, retired in 7
  const std::vector<double> expected = {10.0, 10.0 + 20.0, 20.0 + 2.0, 20.0 + 2.0, 2.0, 2.0, 2.0, 2.0, 0.0};
  const std::vector<double> retired = {0, 1, 0, 2, 0, 0, 0, 4, 0};
  double total = 20.0;  // quarters -2 and -1, before the run
  for (int t = 0; t < static_cast<int>(expected.size()); ++t) {
    const auto c = v.charge(t);
    EXPECT_NEAR(c.depreciation, expected[static_cast<std::size_t>(t)], 1e-12) << "quarter " << t;
    EXPECT_EQ(c.retired_units, retired[static_cast<std::size_t>(t)]) << "quarter " << t;
    total += c.depreciation;
  }
  EXPECT_NEAR(total, 112.0, 1e-12);
  EXPECT_EQ(v.units(), 0.0);
}

// ---------------------------------------------------------------------------------------------------
// Finance
// ---------------------------------------------------------------------------------------------------

FinanceRules rules() {
  FinanceRules r;  // the schema defaults, spelled out where a test's arithmetic depends on them
  r.set_leverage_cap(3.0);
  r.set_spread_base(0.01);
  r.set_spread_slope(0.01);
  r.set_spread_free_leverage(1.0);
  r.set_debt_maturity_quarters(20);
  r.set_cash_buffer_quarters(1.0);
  r.set_dividend_payout(0.2);
  r.set_buyback_payout(0.3);
  r.set_equity_issuance_sentiment(1.2);
  r.set_tax_rate(0.21);
  return r;
}

EnvironmentNow env(double sentiment = 1.0) {
  EnvironmentNow e;
  e.risk_free_rate = 0.04;
  e.investor_sentiment = sentiment;
  return e;
}

TEST(Finance, LeverageAndRate) {
  const auto r = rules();
  EXPECT_EQ(leverage(0.0, 10.0), 0.0);
  EXPECT_EQ(leverage(-1.0, 10.0), 0.0);
  EXPECT_DOUBLE_EQ(leverage(25.0, 10.0), 2.5);
  EXPECT_EQ(leverage(5.0, 0.0), 20.0);  // debt and no positive EBITDA: the cap of the spread schedule
  EXPECT_EQ(leverage(5.0, -3.0), 20.0);
  EXPECT_EQ(leverage(1000.0, 1.0), 20.0);
  EXPECT_DOUBLE_EQ(borrowing_rate(r, 0.04, 0.5), 0.05);          // below the free level: base spread only
  EXPECT_DOUBLE_EQ(borrowing_rate(r, 0.04, 2.5), 0.05 + 0.015);  // 1.5 turns above it
  EXPECT_DOUBLE_EQ(debt_headroom(r, 10.0, 10.0), 20.0);
  EXPECT_EQ(debt_headroom(r, 40.0, 10.0), 0.0);
}

TEST(Trailing4, KeepsTheLastFourQuarters) {
  Trailing4 t(2.0);
  EXPECT_EQ(t.sum(), 8.0);
  for (double v : {1.0, 2.0, 3.0, 4.0, 5.0}) t.push(v);
  EXPECT_EQ(t.sum(), 14.0);
  EXPECT_EQ(t.mean(), 3.5);
  EXPECT_EQ(t.latest(), 5.0);
}

TEST(SettleQuarter, BorrowsToRestoreTheCashBuffer) {
  const auto r = rules();
  Ledger ledger;
  Books firm(ledger, "Firm", 10.0, 50.0, 20.0);
  firm.open_quarter();
  firm.ai_sale(kCustomers, 5.0);
  firm.operating_expense(kSuppliers, 12.0);  // cash falls to 3
  const double target = 15.0;
  settle_quarter(firm, r, env(), target, /*annual_ebitda=*/40.0);
  const auto& s = firm.statements();
  EXPECT_NEAR(firm.cash(), target, 1e-12);
  EXPECT_GT(s.debt_issued, 12.0);  // at least the 12 missing, plus interest and principal paid
  EXPECT_EQ(s.equity_issued, 0.0);
  EXPECT_EQ(s.dividends + s.buybacks, 0.0);
  EXPECT_NEAR(s.debt_repaid, 20.0 / 20, 1e-12);  // 1/maturity of the debt falls due
  EXPECT_NEAR(s.debt, 20.0 - s.debt_repaid + s.debt_issued, 1e-12);
  EXPECT_LT(firm.consistency_gap(), 1e-12);
}

TEST(SettleQuarter, IssuesEquityBeyondTheCapOnlyWhenSentimentIsRich) {
  const auto r = rules();
  for (double sentiment : {1.0, 1.5}) {
    Ledger ledger;
    Books firm(ledger, "Firm", 0.0, 50.0, 40.0);  // 4 turns on 10 of EBITDA: above the cap, no room left
    firm.open_quarter();
    firm.operating_expense(kSuppliers, 8.0);
    settle_quarter(firm, r, env(sentiment), 10.0, /*annual_ebitda=*/10.0);
    const auto& s = firm.statements();
    EXPECT_NEAR(firm.cash(), 10.0, 1e-12) << "sentiment " << sentiment;
    if (sentiment >= r.equity_issuance_sentiment()) {
      EXPECT_GT(s.equity_issued, 20.0);  // all of it: the 8 spent, the 10 buffer, interest and principal
      EXPECT_EQ(s.debt_issued, 0.0);
    } else {
      EXPECT_EQ(s.equity_issued, 0.0);  // the bank lends beyond the cap
      EXPECT_GT(s.debt_issued, 20.0);
    }
    EXPECT_LT(firm.consistency_gap(), 1e-12);
  }
}

TEST(SettleQuarter, PaysOutFromPositiveFreeCashFlow) {
  const auto r = rules();
  Ledger ledger;
  Books firm(ledger, "Firm", 100.0, 50.0, 0.0);  // no debt: no interest, no principal
  firm.open_quarter();
  firm.ai_sale(kCustomers, 30.0);
  firm.operating_expense(kSuppliers, 10.0);
  firm.capex(kSuppliers, 5.0);
  EnvironmentNow e = env();
  e.risk_free_rate = 0.0;  // no interest on cash either, so the arithmetic below is exact
  settle_quarter(firm, r, e, 20.0, 80.0);
  const auto& s = firm.statements();
  const double fcf = (30.0 - 10.0) * (1 - 0.21) - 5.0;  // 10.8
  EXPECT_NEAR(s.free_cash_flow(), fcf, 1e-12);
  EXPECT_NEAR(s.dividends, 0.2 * fcf, 1e-12);
  EXPECT_NEAR(s.buybacks, 0.3 * fcf, 1e-12);
  EXPECT_EQ(s.debt_issued + s.equity_issued, 0.0);
  EXPECT_LT(firm.consistency_gap(), 1e-12);

  // Cash just above the target caps the payout at the excess; negative FCF pays nothing.
  Ledger l2;
  Books tight(l2, "Tight", 21.0, 50.0, 0.0), burning(l2, "Burning", 100.0, 50.0, 0.0);
  tight.open_quarter();
  burning.open_quarter();
  tight.ai_sale(kCustomers, 30.0);
  tight.operating_expense(kSuppliers, 10.0);
  tight.capex(kSuppliers, 5.0);
  burning.ai_sale(kCustomers, 1.0);
  burning.capex(kSuppliers, 5.0);
  settle_quarter(tight, r, e, 31.0, 80.0);
  settle_quarter(burning, r, e, 20.0, 80.0);
  // Tight: 21 + 30 - 10 - 5 - tax 4.2 = 31.8, so 0.8 above its target of 31 (less than half of FCF).
  EXPECT_NEAR(tight.statements().dividends + tight.statements().buybacks, 0.8, 1e-12);
  EXPECT_NEAR(tight.cash(), 31.0, 1e-12);
  EXPECT_NEAR(tight.statements().dividends / tight.statements().buybacks, 0.2 / 0.3, 1e-12);
  EXPECT_EQ(burning.statements().dividends + burning.statements().buybacks, 0.0);
}

TEST(MinskyClass, ClassifiesConstructedFirms) {
  // Cash flow for debt service C = EBITDA - depreciation - tax + interest income (ODD 7.13).
  auto firm = [](double revenue, double opex, double depreciation, double interest, double interest_income) {
    Statements s;
    s.ai_revenue = revenue;
    s.operating_expense = opex;
    s.depreciation = depreciation;
    s.interest_expense = interest;
    s.interest_income = interest_income;
    s.tax = 0.21 * std::max(0.0, s.pretax_income());
    return s;
  };
  // Hedge: EBITDA 20, depreciation 5, interest 1.5, tax 2.835: C = 12.165 covers 1.5 + principal 5.
  const Statements hedge = firm(30.0, 10.0, 5.0, 1.5, 0.0);
  EXPECT_NEAR(hedge.ebitda() - hedge.depreciation - hedge.tax, 12.165, 1e-12);
  EXPECT_EQ(minsky_class(hedge, 5.0), MinskyClass::hedge);
  // The same firm with 3x the principal falling due (6.5 -> 16.5) must roll part of it over.
  EXPECT_EQ(minsky_class(hedge, 15.0), MinskyClass::speculative);
  // Speculative: EBITDA 10, depreciation 6, tax 0.525: C = 3.475 covers interest 1.5, not 1.5 + 5.
  const Statements speculative = firm(16.0, 6.0, 6.0, 1.5, 0.0);
  EXPECT_GT(speculative.net_income(), 0.0);
  EXPECT_EQ(minsky_class(speculative, 5.0), MinskyClass::speculative);
  // Ponzi, a Neocloud: revenue 20 a quarter, debt 400 (20x quarterly revenue) maturing over 40 quarters,
  // interest 4 a quarter; EBITDA 15 is positive, but depreciation of 14 leaves C = 1 < interest 4, a loss
  // of 3. By EBITDA - tax (15 >= 4 + 10) it would have been hedge.
  const Statements ponzi = firm(20.0, 5.0, 14.0, 4.0, 0.0);
  EXPECT_NEAR(ponzi.net_income(), -3.0, 1e-12);
  EXPECT_GE(ponzi.ebitda() - ponzi.tax, 4.0 + 400.0 / 40);
  EXPECT_EQ(minsky_class(ponzi, 400.0 / 40), MinskyClass::ponzi);
  // No debt: interest and principal 0, so any firm with C >= 0 is hedge; a loss is still not hedge.
  EXPECT_EQ(minsky_class(firm(5.0, 5.0, 0.0, 0.0, 0.0), 0.0), MinskyClass::hedge);
  EXPECT_EQ(minsky_class(firm(5.0, 5.0, 1.0, 0.0, 0.0), 0.0), MinskyClass::ponzi);
  // Interest received is a cash flow from assets held: it lifts C from 1 to 2, enough to cover interest 1.5.
  EXPECT_EQ(minsky_class(firm(4.0, 1.0, 2.0, 1.5, 0.0), 5.0), MinskyClass::ponzi);
  EXPECT_EQ(minsky_class(firm(4.0, 1.0, 2.0, 1.5, 1.0), 5.0), MinskyClass::speculative);
  // Ponzi exactly when the quarter shows a loss (C >= interest expense <=> net income >= 0).
  std::mt19937_64 gen(7);
  std::uniform_real_distribution<double> u(0.0, 10.0);
  for (int k = 0; k < 1000; ++k) {
    const Statements s = firm(u(gen), u(gen), u(gen), u(gen), 0.1 * u(gen));
    EXPECT_EQ(minsky_class(s, u(gen)) == MinskyClass::ponzi, s.net_income() < 0) << "case " << k;
  }
}

TEST(SettleQuarter, ClassifiesHedgeSpeculativeAndPonzi) {
  // Debt 100 at 2 turns of leverage: rate 4% + 1% + 1% x (2 - 1) = 6%/year, interest 1.5 a quarter;
  // principal 100 / 20 = 5 a quarter. C = EBITDA - depreciation - tax (no cash, so no interest income)
  // against interest + principal.
  const auto r = rules();
  struct Case {
    double ebitda, depreciation;
    MinskyClass expected;
  };
  for (const Case& c : {Case{20.0, 0.0, MinskyClass::hedge}, Case{20.0, 15.0, MinskyClass::speculative},
                        Case{4.0, 0.0, MinskyClass::speculative}, Case{4.0, 3.0, MinskyClass::ponzi},
                        Case{1.0, 0.0, MinskyClass::ponzi}, Case{-3.0, 0.0, MinskyClass::ponzi}}) {
    Ledger ledger;
    Books firm(ledger, "Firm", 0.0, 150.0, 100.0);
    firm.open_quarter();
    if (c.ebitda > 0)
      firm.ai_sale(kCustomers, c.ebitda);
    else
      firm.operating_expense(kSuppliers, -c.ebitda);
    if (c.depreciation > 0) firm.depreciate(c.depreciation);
    const MinskyClass got = settle_quarter(firm, r, env(), 0.0, /*annual_ebitda=*/50.0);
    EXPECT_EQ(got, c.expected) << "EBITDA " << c.ebitda << ", depreciation " << c.depreciation << ": got "
                               << kMinskyNames[static_cast<int>(got)];
    EXPECT_EQ(got, minsky_class(firm.statements(), 5.0));
    EXPECT_NEAR(firm.statements().interest_expense, 1.5, 1e-12);
    EXPECT_NEAR(firm.statements().debt_repaid, 5.0, 1e-12);
    EXPECT_LT(firm.consistency_gap(), 1e-12);
  }
}

TEST(SettleQuarter, ManyQuartersStayConsistent) {
  // A firm whose fortunes swing from profit to loss and back, settled every quarter.
  const auto r = rules();
  Ledger ledger;
  Books firm(ledger, "Firm", 30.0, 80.0, 40.0);
  Trailing4 ebitda(10.0);
  for (int q = 0; q < 40; ++q) {
    firm.open_quarter();
    const double revenue = 20.0 + 15.0 * std::sin(q / 3.0);
    firm.ai_sale(kCustomers, revenue);
    firm.operating_expense(kSuppliers, 18.0);
    firm.capex(kSuppliers, 6.0);
    firm.depreciate(4.0);
    ebitda.push(firm.statements().ebitda());
    settle_quarter(firm, r, env(q % 7 == 0 ? 1.5 : 1.0), 18.0, ebitda.sum());
    ASSERT_LT(firm.consistency_gap(), 1e-12) << "quarter " << q;
    ASSERT_GE(firm.cash(), 18.0 - 1e-12) << "cash below the buffer in quarter " << q;
    ASSERT_NEAR(ledger.total(), ledger.opening_total(), 1e-9);
  }
}

// ---------------------------------------------------------------------------------------------------
// Distress and default (docs/ODD.md 7.13.1)
// ---------------------------------------------------------------------------------------------------

FinanceRules default_rules() {
  auto r = rules();
  r.set_default_leverage(8.0);
  r.set_default_quarters(4);
  r.set_recovery_rate(0.4);
  r.set_restructured_leverage(2.0);
  return r;
}

// A firm that loses `loss` each quarter (no revenue, operating expense only), with debt and cash.
void losing_quarter(Books& firm, double loss) {
  firm.open_quarter();
  firm.operating_expense(kSuppliers, loss);
}

TEST(Distress, AFirmInBreachForTheGraceQuartersDefaultsAndIsRestructured) {
  const auto r = default_rules();
  Ledger ledger;
  Books firm(ledger, "Zombie", 5.0, 20.0, 100.0);  // book equity -75, no EBITDA: distressed every quarter
  for (int q = 1; q <= 3; ++q) {
    losing_quarter(firm, 1.0);
    settle_quarter(firm, r, env(), 0.0, /*annual_ebitda=*/-4.0);
    EXPECT_FALSE(firm.statements().defaulted) << "quarter " << q;
    EXPECT_EQ(firm.distress_quarters, q);
  }
  losing_quarter(firm, 1.0);
  const double cash_before = firm.cash(), total_before = ledger.total();
  // Debt before the restructuring: what settle_quarter leaves after repaying and borrowing.
  settle_quarter(firm, r, env(), 0.0, /*annual_ebitda=*/-4.0);
  const auto& s = firm.statements();
  ASSERT_TRUE(s.defaulted);
  EXPECT_EQ(firm.defaults, 1);
  EXPECT_EQ(firm.distress_quarters, 0);
  const double claim = s.debt_written_off + s.debt_to_equity + s.debt;
  // Without positive EBITDA no debt is sustainable: 60% written off, the 40% recovered all becomes equity.
  EXPECT_NEAR(s.debt_written_off, 0.6 * claim, 1e-12);
  EXPECT_NEAR(s.debt_to_equity, 0.4 * claim, 1e-12);
  EXPECT_NEAR(s.debt, 0.0, 1e-12);
  EXPECT_GT(s.book_equity, 0.0);  // the swap repairs the balance sheet
  // No money moves in a restructuring: cash is what settlement left, and the ledger still balances.
  EXPECT_NEAR(firm.cash(), cash_before + s.debt_issued - s.debt_repaid - s.interest_expense + s.interest_income, 1e-12);
  EXPECT_NEAR(ledger.total(), total_before, 1e-12);
  EXPECT_NEAR(ledger.total(), ledger.opening_total(), 1e-9);
  EXPECT_LT(firm.consistency_gap(), 1e-12);
}

TEST(Distress, RestructuredDebtIsKeptUpToTheSustainableLeverage) {
  const auto r = default_rules();
  Ledger ledger;
  Books firm(ledger, "Overlevered", 10.0, 200.0, 150.0);  // 15x EBITDA of 10: above the default level
  for (int q = 0; q < 4; ++q) {
    firm.open_quarter();
    firm.ai_sale(kCustomers, 2.5);
    settle_quarter(firm, r, env(), 0.0, /*annual_ebitda=*/10.0);
  }
  const auto& s = firm.statements();
  ASSERT_TRUE(s.defaulted);
  const double claim = s.debt_written_off + s.debt_to_equity + s.debt;
  EXPECT_NEAR(s.debt, 2.0 * 10.0, 1e-12);  // restructured_leverage x annual EBITDA
  EXPECT_NEAR(s.debt_written_off, 0.6 * claim, 1e-12);
  EXPECT_NEAR(s.debt_to_equity, 0.4 * claim - 20.0, 1e-12);
  EXPECT_LT(firm.consistency_gap(), 1e-12);
}

TEST(Distress, AHealthyFirmIsUntouchedAndABriefBreachIsForgiven) {
  const auto r = default_rules();
  Ledger ledger;
  Books healthy(ledger, "Healthy", 30.0, 100.0, 40.0);  // 1x EBITDA of 40, positive book equity
  Books brief(ledger, "Brief", 30.0, 100.0, 40.0);
  for (int q = 0; q < 12; ++q) {
    healthy.open_quarter();
    healthy.ai_sale(kCustomers, 10.0);
    settle_quarter(healthy, r, env(), 20.0, 40.0);
    EXPECT_FALSE(healthy.statements().defaulted);
    EXPECT_EQ(healthy.distress_quarters, 0);
    brief.open_quarter();
    brief.ai_sale(kCustomers, 10.0);
    // Three quarters in four without EBITDA: distressed, but never for four quarters in a row.
    settle_quarter(brief, r, env(), 20.0, q % 4 == 3 ? 40.0 : -1.0);
    EXPECT_FALSE(brief.statements().defaulted) << "quarter " << q;
  }
  EXPECT_EQ(healthy.defaults + brief.defaults, 0);
  EXPECT_EQ(healthy.statements().debt_written_off + healthy.statements().debt_to_equity, 0.0);
}

TEST(Distress, AFirmWithoutDebtNeverDefaults) {
  const auto r = default_rules();
  Ledger ledger;
  Books lab(ledger, "Lab", 100.0, 0.0, 0.0);
  for (int q = 0; q < 8; ++q) {
    losing_quarter(lab, 5.0);
    EXPECT_FALSE(resolve_distress(lab, r, -20.0));
  }
  EXPECT_EQ(lab.defaults, 0);
}

}  // namespace
}  // namespace megacycle
