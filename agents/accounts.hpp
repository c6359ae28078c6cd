#pragma once
// Firm accounts and the money ledger (docs/ODD.md, "Accounts and stock-flow consistency"). All money
// in USD billions. Every payment in the model is one Ledger::pay() between two accounts, so money is
// never created or lost: it only moves between firms and the outside sectors (which may go negative).
// Books keeps a firm's income statement, cash-flow statement and balance sheet for the quarter; each of
// its methods is one kind of transaction and updates the statements that transaction touches.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/serialize.hpp"

namespace megacycle {

// Sectors outside the modelled firms. Their balances are the cumulative net flows with the firms.
enum class Outside : std::uint8_t {
  enterprises,   // buy compute from hyperscalers (the enterprise population's spending)
  customers,     // consumers and advertisers: legacy revenue, own-product AI value, AI-lab revenue
  suppliers,     // energy, servers, construction, foundries, staff
  lenders,       // bond holders and banks: debt, interest, interest on cash
  shareholders,  // dividends, buybacks, equity issuance and funding rounds
  government,    // taxes and capex subsidies
};
inline constexpr int kOutsideCount = 6;
inline constexpr const char* kOutsideNames[kOutsideCount] = {"enterprises", "customers",    "suppliers",
                                                             "lenders",     "shareholders", "government"};

class Ledger {
 public:
  Ledger();
  // A new account with this opening balance, counted as money the economy starts with.
  int open(std::string name, double balance);
  static int outside(Outside o) { return static_cast<int>(o); }
  // Moves `amount` (may be zero, never negative or non-finite) from one account to another.
  void pay(int from, int to, double amount);

  double balance(int account) const { return balance_[static_cast<std::size_t>(account)]; }
  const std::string& name(int account) const { return name_[static_cast<std::size_t>(account)]; }
  int accounts() const { return static_cast<int>(balance_.size()); }
  // Sum of all balances, and the opening balances: equal up to rounding (the stock-flow check).
  double total() const;
  double opening_total() const { return opening_total_; }
  // Sums of all payments made and received since the start (equal by construction of pay()).
  double paid() const { return paid_; }
  double received() const { return received_; }

  // Checkpoints: balances and running totals (the accounts and their names are the scenario's).
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t) {
    serialize_in_place(ar, balance_, "ledger accounts");
    ar(opening_total_, paid_, received_);
  }

 private:
  std::vector<double> balance_;
  std::vector<std::string> name_;
  double opening_total_ = 0, paid_ = 0, received_ = 0;
};

// One quarter's statements of a firm, plus its balance sheet at the end of the quarter.
struct Statements {
  // Income statement
  double ai_revenue = 0, other_revenue = 0;  // AI: compute, chips, lab services; other: legacy business
  double cost_of_sales = 0;                  // energy, chip production, compute bought (AI labs)
  double operating_expense = 0;              // staff, R&D, operating cost of installed compute
  double subsidy = 0;                        // capex subsidies (taxable other income)
  double depreciation = 0, interest_expense = 0, interest_income = 0, tax = 0;
  // Cash flow statement (capex includes chips, servers and data-centre construction paid this quarter)
  double capex = 0, debt_issued = 0, debt_repaid = 0, equity_issued = 0, dividends = 0, buybacks = 0;
  // Restructuring in a default (no cash moves): debt written off (the lenders' loss given default) and
  // debt swapped into equity handed to the lenders. Both raise book equity.
  double debt_written_off = 0, debt_to_equity = 0;
  bool defaulted = false;  // the firm defaulted and was restructured this quarter
  // Balance sheet at the end of the quarter
  double cash = 0, fixed_assets = 0, debt = 0, book_equity = 0;

  double revenue() const { return ai_revenue + other_revenue; }
  double ebitda() const { return revenue() + subsidy - cost_of_sales - operating_expense; }
  double pretax_income() const { return ebitda() - depreciation - interest_expense + interest_income; }
  double net_income() const { return pretax_income() - tax; }
  double operating_cash_flow() const { return net_income() + depreciation; }
  double free_cash_flow() const { return operating_cash_flow() - capex; }
  double financing_cash_flow() const { return debt_issued - debt_repaid + equity_issued - dividends - buybacks; }
  // Assets - debt - book equity: zero when the books balance.
  double balance_gap() const { return cash + fixed_assets - debt - book_equity; }

  // Checkpoints: every field, as bytes (a field added later is included).
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t) {
    serialize_bytes(ar, *this);
  }
};

// A firm's account in the ledger and its books. Book equity is opening cash + fixed assets - debt.
class Books {
 public:
  Books(Ledger& ledger, const std::string& name, double cash, double fixed_assets, double debt);

  // Starts a new quarter: the flows are zeroed, the balance sheet carries over.
  void open_quarter();
  // Transactions (amounts >= 0). Each pays through the ledger and records itself in the statements.
  void ai_sale(int payer, double amount);
  void other_sale(int payer, double amount);
  void cost_of_sales(int payee, double amount);
  void operating_expense(int payee, double amount);
  void capex(int payee, double amount);  // cash out, fixed assets up
  void subsidy(double amount);           // from the government
  void depreciate(double amount);        // no cash: fixed assets down
  void interest(double rate_per_quarter_on_debt, double rate_per_quarter_on_cash);
  void borrow(double amount);
  void repay(double amount);
  void issue_equity(double amount);
  void pay_dividends(double amount);
  void buy_back(double amount);
  // Pays tax on this quarter's positive pre-tax income (once all income and interest are booked).
  void pay_tax(double tax_rate);
  // Closes the statements: book equity takes the net income and the equity transactions.
  void close_quarter();
  // A default, after close_quarter(): debt falls to `new_debt` (exactly: a rounding residue below zero
  // would be a negative interest payment); `written_off` of it is cancelled and the rest swapped into
  // equity. No cash moves; book equity rises by the debt removed (docs/ODD.md 7.13.1).
  void restructure(double new_debt, double written_off);
  // Consecutive distressed quarters so far (finance.cpp's distress test) and defaults since the start.
  int distress_quarters = 0, defaults = 0;
  // A sale between two modelled firms: one payment, booked as the buyer's capex (chips) or cost of
  // sales (compute), and as the seller's AI revenue.
  static void sell_chips(Books& buyer, Books& vendor, double amount);
  static void sell_compute(Books& buyer, Books& provider, double amount);

  int account() const { return account_; }
  double cash() const { return ledger_.balance(account_); }
  double debt() const { return s_.debt; }
  const Statements& statements() const { return s_; }
  // The quarter's statements are consistent: the balance sheet balances and the change in cash equals
  // the cash-flow statement. Returns the largest gap relative to total assets (0 = exact).
  double consistency_gap() const;

  // Checkpoints: the statements and the quarter's opening cash (the account is the scenario's).
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t) {
    ar(opening_cash_, s_, distress_quarters, defaults);
  }

 private:
  Ledger& ledger_;
  int account_;
  double opening_cash_ = 0;
  Statements s_;
};

// Straight-line depreciation by vintage, and the units of capacity each vintage carries until it retires.
class Vintages {
 public:
  // A purchase in quarter t (it depreciates from t + 1 for `life` quarters and retires after that).
  void add(int quarter, double cost, int life, double units = 0, double power_mw = 0);
  // Depreciation charge of quarter t and what retires in it (call once per quarter, in order).
  struct Charge {
    double depreciation = 0, retired_units = 0, retired_power_mw = 0;
  };
  Charge charge(int quarter);
  double units() const { return units_; }
  double power_mw() const { return power_mw_; }

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t) {
    ar(active_, units_, power_mw_);
  }

 private:
  struct Vintage {
    int first_quarter, last_quarter;
    double per_quarter, units, power_mw;
    template <class Archive>
    void serialize(Archive& ar) {
      ar(first_quarter, last_quarter, per_quarter, units, power_mw);
    }
  };
  std::vector<Vintage> active_;
  double units_ = 0, power_mw_ = 0;
};

}  // namespace megacycle

CEREAL_CLASS_VERSION(megacycle::Ledger, 1);
CEREAL_CLASS_VERSION(megacycle::Statements, 2);
CEREAL_CLASS_VERSION(megacycle::Books, 2);
CEREAL_CLASS_VERSION(megacycle::Vintages, 1);
