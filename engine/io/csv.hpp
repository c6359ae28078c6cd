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
  // Appends rows to an existing file written with the same header (a run resumed from a checkpoint);
  // throws megacycle::Error naming the file if its first line is not that header.
  struct Append {};
  CsvWriter(const std::filesystem::path& path, const std::vector<std::string>& header, Append);
  ~CsvWriter();
  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;

  void row(const std::vector<Cell>& cells);
  // Writes buffered rows to the file (before a checkpoint copies it); throws megacycle::Error on failure.
  void flush();
  const std::filesystem::path& path() const { return path_; }
  // Flushes and checks that every byte reached the file system; throws megacycle::Error naming the file.
  void close();

 private:
  void write(const std::string& text);
  std::filesystem::path path_;
  std::size_t columns_;
  std::FILE* file_ = nullptr;
};

// A CSV file read back whole: the header and every row as text (RFC 4180 quoting understood).
struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};
// Throws megacycle::Error naming the file and line when it cannot be read or a row has the wrong width.
CsvTable read_csv(const std::filesystem::path& path);

// Quotes a field if it holds a comma, quote or newline (RFC 4180).
std::string csv_field(const std::string& text);

}  // namespace megacycle::io
