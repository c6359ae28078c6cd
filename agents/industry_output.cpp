// Output of the industry: its quarterly.csv totals and firms.csv's columns, filled by name for any firm view
// (docs/outputs.md names every column).
#include <algorithm>
#include <utility>

#include "agents/industry.hpp"
#include "engine/finite.hpp"

namespace megacycle {

std::vector<std::string> Industry::quarterly_header() const {
  return {"capex_usd_b",
          "big_tech_capex_usd_b",
          "capex_chips_usd_b",
          "capex_own_silicon_usd_b",
          "capex_other_it_usd_b",
          "capex_datacentre_usd_b",
          "chip_orders_units",
          "chip_cancellations_units",
          "end_user_ai_revenue_usd_b",
          "required_ai_revenue_usd_b_per_year",
          "revenue_gap_usd_b_per_year",
          "hyperscaler_ai_revenue_usd_b",
          "compute_demand_total_units",
          "compute_capacity_units",
          "compute_served_units",
          "utilisation",
          "chip_price_index",
          "vendor_shipments_units",
          "vendor_backlog_units",
          "vendor_capacity_units",
          "vendor_revenue_usd_b",
          "vendor_gross_margin",
          "hyperscaler_fcf_usd_b",
          "hyperscaler_cash_usd_b",
          "hyperscaler_debt_usd_b",
          "hyperscalers_constrained",
          "firms_hedge",
          "firms_speculative",
          "firms_ponzi",
          "defaults",
          "loss_given_default_usd_b",
          "debt_to_equity_usd_b",
          "firms_in_distress",
          "powered_mw",
          "awaiting_connection_mw",
          "datacentre_mw_started",
          "lab_compute_units",
          "lab_revenue_usd_b",
          "lab_funding_usd_b",
          "money_gap",
          "books_gap"};
}

std::vector<io::CsvWriter::Cell> Industry::quarterly_row() const {
  double capex = 0, big_tech = 0, chips = 0, own = 0, other_it = 0, dc = 0, orders = 0, cancelled = 0;
  double end_user = 0, hyper_ai = 0, demand = 0, capacity = 0, served = 0, fcf = 0, cash = 0, debt = 0;
  double constrained = 0, powered = 0, awaiting = 0, started = 0;
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
  }
  double shipped = 0, backlog = 0, vendor_capacity = 0, revenue = 0, cogs = 0, merchant_units = 0, merchant_paid = 0;
  for (std::size_t v = 0; v < vendors_.size(); ++v) {
    const auto& x = vendors_[v];
    shipped += x.shipped, backlog += x.backlog_total(), vendor_capacity += vendors_.capacity_units(v);
    revenue += x.revenue, cogs += x.cost_of_goods;
    if (!x.custom_asic) merchant_units += x.shipped, merchant_paid += x.shipped * x.price_shipped;
  }
  double lab_units = 0, lab_revenue = 0, funding = 0;
  for (std::size_t l = 0; l < labs_.size(); ++l)
    lab_units += labs_[l].contract_this_quarter, lab_revenue += labs_[l].revenue, funding += labs_[l].funding;
  double minsky[kMinskyCount] = {};
  double defaults = 0, written_off = 0, to_equity = 0, distressed = 0;
  for (const auto& f : firms_) {
    minsky[static_cast<int>(*f.minsky)] += 1;
    const auto& s = f.books->statements();
    defaults += s.defaulted ? 1 : 0, written_off += s.debt_written_off, to_equity += s.debt_to_equity;
    distressed += f.books->distress_quarters > 0 ? 1 : 0;
  }
  end_user += lab_revenue;
  const double required = 2.0 * 4.0 * capex;  // Sequoia's rule: end-user revenue of 2x annualised capex
  return {capex,
          big_tech,
          chips,
          own,
          other_it,
          dc,
          orders,
          cancelled,
          end_user,
          required,
          required - 4.0 * end_user,
          hyper_ai,
          demand,
          capacity,
          served,
          ratio_or_zero(served, capacity),
          ratio_or_zero(merchant_paid, merchant_units),
          shipped,
          backlog,
          vendor_capacity,
          revenue,
          revenue > 0 ? 1.0 - cogs / revenue : 0.0,
          fcf,
          cash,
          debt,
          constrained,
          minsky[0],
          minsky[1],
          minsky[2],
          defaults,
          written_off,
          to_equity,
          distressed,
          powered,
          awaiting,
          started,
          lab_units,
          lab_revenue,
          funding,
          money_gap(),
          books_gap()};
}

std::vector<Column> Industry::firm_columns() {
  // Every firm fills the label, statement and Minsky columns; a type that does not fill one of its own
  // (capex, capacity, prices, chips) writes 0 there.
  std::vector<Column> columns;
  for (const char* name : {"quarter", "period", "type", "name"}) columns.push_back({name, std::string()});
  for (const char* name : {"capex_usd_b",
                           "capex_chips_usd_b",
                           "capex_own_silicon_usd_b",
                           "capex_other_it_usd_b",
                           "capex_datacentre_usd_b",
                           "revenue_usd_b",
                           "ai_revenue_usd_b",
                           "cost_of_sales_usd_b",
                           "operating_expense_usd_b",
                           "ebitda_usd_b",
                           "depreciation_usd_b",
                           "net_interest_usd_b",
                           "tax_usd_b",
                           "net_income_usd_b",
                           "operating_cash_flow_usd_b",
                           "fcf_usd_b",
                           "cash_usd_b",
                           "fixed_assets_usd_b",
                           "debt_usd_b",
                           "book_equity_usd_b",
                           "net_borrowing_usd_b",
                           "equity_issued_usd_b",
                           "dividends_usd_b",
                           "buybacks_usd_b",
                           "defaulted",
                           "defaults_to_date",
                           "distress_quarters",
                           "debt_written_off_usd_b",
                           "debt_to_equity_usd_b",
                           "capacity_units",
                           "utilisation",
                           "price_usd",
                           "backlog_units",
                           "orders_units"})
    columns.push_back({name, 0.0});
  columns.push_back({"minsky_class", std::string()});
  return columns;
}

void Industry::firm_row(const FirmView& firm, int t, const std::string& period, NamedRow& row) const {
  row.set("quarter", static_cast<long long>(t));
  row.set("period", period);
  row.set("type", std::string(firm.type));
  row.set("name", std::string(firm.name));
  const auto& s = firm.books->statements();
  const std::pair<const char*, double> statements[] = {{"revenue_usd_b", s.revenue()},
                                                       {"ai_revenue_usd_b", s.ai_revenue},
                                                       {"cost_of_sales_usd_b", s.cost_of_sales},
                                                       {"operating_expense_usd_b", s.operating_expense},
                                                       {"ebitda_usd_b", s.ebitda()},
                                                       {"depreciation_usd_b", s.depreciation},
                                                       {"net_interest_usd_b", s.interest_expense - s.interest_income},
                                                       {"tax_usd_b", s.tax},
                                                       {"net_income_usd_b", s.net_income()},
                                                       {"operating_cash_flow_usd_b", s.operating_cash_flow()},
                                                       {"fcf_usd_b", s.free_cash_flow()},
                                                       {"cash_usd_b", s.cash},
                                                       {"fixed_assets_usd_b", s.fixed_assets},
                                                       {"debt_usd_b", s.debt},
                                                       {"book_equity_usd_b", s.book_equity},
                                                       {"net_borrowing_usd_b", s.debt_issued - s.debt_repaid},
                                                       {"equity_issued_usd_b", s.equity_issued},
                                                       {"dividends_usd_b", s.dividends},
                                                       {"buybacks_usd_b", s.buybacks},
                                                       {"defaulted", s.defaulted ? 1.0 : 0.0},
                                                       {"defaults_to_date", double(firm.books->defaults)},
                                                       {"distress_quarters", double(firm.books->distress_quarters)},
                                                       {"debt_written_off_usd_b", s.debt_written_off},
                                                       {"debt_to_equity_usd_b", s.debt_to_equity}};
  for (const auto& [column, value] : statements) row.set(column, value);
  row.set("minsky_class", std::string(kMinskyNames[static_cast<int>(*firm.minsky)]));
  firm.columns(row);
}

}  // namespace megacycle
