#pragma once
// Output declarations. Each part of the model declares the CSV files it writes (name, header, the rows of
// each quarter) and the files it writes once at the end, and the economy collects them (Economy::outputs());
// the run loop (app/simulate.cpp) opens, writes, checkpoints and lists whatever is declared, so a new
// output is declared in one place. Rows shared by several parts (firms.csv) are filled by column name,
// so no part depends on where in the row another part's columns sit.
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/io/csv.hpp"

namespace megacycle {

using Row = std::vector<io::CsvWriter::Cell>;

// A column of a shared row: its name, and what a row holds there when no part fills it.
struct Column {
  std::string name;
  io::CsvWriter::Cell absent;
};
std::vector<std::string> column_names(const std::vector<Column>& columns);

// One row of a shared table, filled by column name; starts with every column's absent value.
class NamedRow {
 public:
  explicit NamedRow(const std::vector<Column>& columns);
  // Throws Error for a column the table does not declare (a bug in the part that fills it).
  void set(std::string_view column, io::CsvWriter::Cell value);
  Row take() && { return std::move(cells_); }

 private:
  const std::vector<Column>& columns_;
  Row cells_;
};

// A CSV file written every quarter, by rank 0: its rows after quarter t was run.
struct OutputTable {
  std::string file;
  std::vector<std::string> header;
  std::function<std::vector<Row>(int t)> rows;
};

// Files written once into the output folder after the last quarter (end-of-run diagnostics), by rank 0.
struct EndOfRunOutput {
  std::vector<std::string> files;
  std::function<void(const std::filesystem::path& dir)> write;
};

// Everything a run writes besides panels and the manifest, in the manifest's order.
struct Outputs {
  std::vector<OutputTable> tables;
  std::vector<EndOfRunOutput> end_of_run;
};

}  // namespace megacycle
