// Output rows of the industry: its quarterly.csv totals and firms.csv (docs/outputs.md names every column).
#include <algorithm>

#include "agents/industry.hpp"
#include "engine/finite.hpp"

namespace megacycle {
namespace {

using Row = std::vector<io::CsvWriter::Cell>;


// The statement columns every firm has, in firms.csv order.
void add_statements(Row& row, const Books& books) {
  const auto& s = books.statements();
  row.insert(row.end(), {s.revenue(), s.ai_revenue, s.cost_of_sales, s.operating_expense, s.ebitda(), s.depreciation,
                         s.interest_expense - s.interest_income, s.tax, s.net_income(), s.operating_cash_flow(),
                         s.free_cash_flow(), s.cash, s.fixed_assets, s.debt, s.book_equity, s.debt_issued - s.debt_repaid,
                         s.equity_issued, s.dividends, s.buybacks});
}

}  // namespace

std::vector<std::string> Industry::quarterly_header() const {
  return {"capex_usd_b", "big_tech_capex_usd_b", "capex_chips_usd_b", "capex_own_silicon_usd_b", "capex_other_it_usd_b",
          "capex_datacentre_usd_b", "chip_orders_units", "chip_cancellations_units", "end_user_ai_revenue_usd_b",
          "required_ai_revenue_usd_b_per_year", "revenue_gap_usd_b_per_year", "hyperscaler_ai_revenue_usd_b",
          "compute_demand_total_units", "compute_capacity_units", "compute_served_units", "utilisation",
          "chip_price_index", "vendor_shipments_units", "vendor_backlog_units",
          "vendor_capacity_units", "vendor_revenue_usd_b", "vendor_gross_margin", "hyperscaler_fcf_usd_b",
          "hyperscaler_cash_usd_b", "hyperscaler_debt_usd_b", "hyperscalers_constrained", "firms_hedge",
          "firms_speculative", "firms_ponzi", "powered_mw", "awaiting_connection_mw", "datacentre_mw_started",
          "lab_compute_units", "lab_revenue_usd_b", "lab_funding_usd_b", "money_gap", "books_gap"};
}

std::vector<io::CsvWriter::Cell> Industry::quarterly_row() const {
  double capex = 0, big_tech = 0, chips = 0, own = 0, other_it = 0, dc = 0, orders = 0, cancelled = 0;
  double end_user = 0, hyper_ai = 0, demand = 0, capacity = 0, served = 0, fcf = 0, cash = 0, debt = 0;
  double constrained = 0, powered = 0, awaiting = 0, started = 0;
  double minsky[kMinskyCount] = {};
  for (std::size_t i = 0; i < hyperscalers_.size(); ++i) {
    const auto& h = hyperscalers_[i];
    capex += h.capex();
    if (h.spec->big_tech()) big_tech += h.capex();
    chips += h.capex_chips, own += h.capex_own_silicon, other_it += h.capex_other_it, dc += h.capex_datacentre;
    orders += h.orders, cancelled += h.cancellations;
    end_user += h.revenue_enterprises + h.revenue_internal;
    hyper_ai += h.books.statements().ai_revenue;
    demand += h.demand(), capacity += h.usable_capacity, served += h.served;
    fcf += h.books.statements().free_cash_flow(), cash += h.books.cash(), debt += h.books.debt();
    constrained += h.constrained ? 1 : 0;
    powered += h.powered_mw, awaiting += h.awaiting_mw, started += h.mw_started;
    minsky[static_cast<int>(h.minsky)] += 1;
  }
  double shipped = 0, backlog = 0, vendor_capacity = 0, revenue = 0, cogs = 0, merchant_units = 0, merchant_paid = 0;
  for (std::size_t v = 0; v < vendors_.size(); ++v) {
    const auto& x = vendors_[v];
    shipped += x.shipped, backlog += x.backlog_total(), vendor_capacity += vendors_.capacity_units(v);
    revenue += x.revenue, cogs += x.cost_of_goods;
    if (!x.custom_asic) merchant_units += x.shipped, merchant_paid += x.shipped * x.price_shipped;
    minsky[static_cast<int>(x.minsky)] += 1;
  }
  double lab_units = 0, lab_revenue = 0, funding = 0;
  for (std::size_t l = 0; l < labs_.size(); ++l) {
    lab_units += labs_[l].contract_this_quarter, lab_revenue += labs_[l].revenue, funding += labs_[l].funding;
    minsky[static_cast<int>(labs_[l].minsky)] += 1;
  }
  end_user += lab_revenue;
  const double required = 2.0 * 4.0 * capex;  // Sequoia's rule: end-user revenue of 2x annualised capex
  return {capex, big_tech, chips, own, other_it, dc, orders, cancelled, end_user, required, required - 4.0 * end_user,
          hyper_ai, demand, capacity, served, ratio_or_zero(served, capacity), ratio_or_zero(merchant_paid, merchant_units),
          shipped, backlog, vendor_capacity, revenue, revenue > 0 ? 1.0 - cogs / revenue : 0.0, fcf, cash, debt,
          constrained, minsky[0], minsky[1], minsky[2], powered, awaiting, started, lab_units, lab_revenue, funding,
          money_gap(), books_gap()};
}

std::vector<std::string> Industry::firms_header() {
  return {"quarter", "period", "type", "name", "capex_usd_b", "capex_chips_usd_b", "capex_own_silicon_usd_b",
          "capex_other_it_usd_b", "capex_datacentre_usd_b", "revenue_usd_b", "ai_revenue_usd_b", "cost_of_sales_usd_b",
          "operating_expense_usd_b", "ebitda_usd_b", "depreciation_usd_b", "net_interest_usd_b", "tax_usd_b",
          "net_income_usd_b", "operating_cash_flow_usd_b", "fcf_usd_b", "cash_usd_b", "fixed_assets_usd_b", "debt_usd_b",
          "book_equity_usd_b", "net_borrowing_usd_b", "equity_issued_usd_b", "dividends_usd_b", "buybacks_usd_b",
          "capacity_units", "utilisation", "price_usd", "backlog_units", "orders_units", "minsky_class"};
}

std::vector<std::vector<io::CsvWriter::Cell>> Industry::firms_rows(int t, const std::string& period) const {
  std::vector<Row> rows;
  auto start = [&](const char* type, const std::string& name) {
    return Row{static_cast<long long>(t), period, std::string(type), name};
  };
  for (std::size_t i = 0; i < hyperscalers_.size(); ++i) {
    const auto& h = hyperscalers_[i];
    Row row = start("hyperscaler", h.spec->name());
    row.insert(row.end(), {h.capex(), h.capex_chips, h.capex_own_silicon, h.capex_other_it, h.capex_datacentre});
    add_statements(row, h.books);
    row.insert(row.end(), {h.usable_capacity, h.utilisation, h.price_charged, vendors_.backlog_of(i), h.orders,
                           std::string(kMinskyNames[static_cast<int>(h.minsky)])});
    rows.push_back(std::move(row));
  }
  for (std::size_t v = 0; v < vendors_.size(); ++v) {
    const auto& x = vendors_[v];
    Row row = start("chip_vendor", x.name);
    const double capex = x.expansion_capex;
    row.insert(row.end(), {capex, 0.0, 0.0, 0.0, 0.0});
    add_statements(row, x.books);
    row.insert(row.end(), {vendors_.capacity_units(v), ratio_or_zero(x.shipped, x.sellable), x.price_shipped, x.backlog_total(), x.orders,
                           std::string(kMinskyNames[static_cast<int>(x.minsky)])});
    rows.push_back(std::move(row));
  }
  for (std::size_t l = 0; l < labs_.size(); ++l) {
    const auto& lab = labs_[l];
    Row row = start("ai_lab", lab.spec->name());
    row.insert(row.end(), {0.0, 0.0, 0.0, 0.0, 0.0});
    add_statements(row, lab.books);
    row.insert(row.end(), {lab.contract_this_quarter, ratio_or_zero(lab.served, lab.contract_this_quarter),
                           hyperscalers_[lab.provider].price_charged, 0.0, 0.0,
                           std::string(kMinskyNames[static_cast<int>(lab.minsky)])});
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace megacycle
