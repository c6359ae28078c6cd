#pragma once
// Tidy CSV output: a header row, then one row per record; numbers in the shortest form that reads back
// to the same double, so files compare byte for byte and load in pandas and R as they are.
#include <cstdio>
#include <filesystem>
#include <string>
#include <variant>
#include <vector>

namespace megacycle::io {

class CsvWriter {
 public:
  using Cell = std::variant<double, long long, std::string>;

  CsvWriter(const std::filesystem::path& path, const std::vector<std::string>& header);
  ~CsvWriter();
  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;

  void row(const std::vector<Cell>& cells);
  // Flushes and checks that every byte reached the file system; throws megacycle::Error naming the file.
  void close();

 private:
  void write(const std::string& text);
  std::filesystem::path path_;
  std::size_t columns_;
  std::FILE* file_ = nullptr;
};

// Quotes a field if it holds a comma, quote or newline (RFC 4180).
std::string csv_field(const std::string& text);

}  // namespace megacycle::io
