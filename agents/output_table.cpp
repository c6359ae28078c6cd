#include "agents/output_table.hpp"

#include <fmt/core.h>

#include "engine/error.hpp"

namespace megacycle {

std::vector<std::string> column_names(const std::vector<Column>& columns) {
  std::vector<std::string> names;
  for (const auto& c : columns) names.push_back(c.name);
  return names;
}

NamedRow::NamedRow(const std::vector<Column>& columns) : columns_(columns) {
  for (const auto& c : columns) cells_.push_back(c.absent);
}

void NamedRow::set(std::string_view column, io::CsvWriter::Cell value) {
  // A linear search: rows are a few dozen columns, written a few dozen times a quarter.
  for (std::size_t c = 0; c < columns_.size(); ++c)
    if (columns_[c].name == column) {
      cells_[c] = std::move(value);
      return;
    }
  throw Error(fmt::format("output: no column \"{}\" in the table (a part fills a column it did not declare)", column));
}

}  // namespace megacycle
