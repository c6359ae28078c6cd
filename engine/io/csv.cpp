#include "engine/io/csv.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "engine/error.hpp"

namespace megacycle::io {

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

namespace {

std::string header_line(const std::vector<std::string>& header) {
  std::string line;
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (i) line += ',';
    line += csv_field(header[i]);
  }
  return line + "\n";
}

}  // namespace

CsvWriter::CsvWriter(const std::filesystem::path& path, const std::vector<std::string>& header)
    : path_(path), columns_(header.size()), file_(std::fopen(path.c_str(), "w")) {
  if (!file_) throw Error(fmt::format("cannot create {}: {}", path.string(), std::strerror(errno)));
  write(header_line(header));
}

CsvWriter::CsvWriter(const std::filesystem::path& path, const std::vector<std::string>& header, Append)
    : path_(path), columns_(header.size()) {
  std::FILE* in = std::fopen(path.c_str(), "r");
  if (!in) throw Error(fmt::format("cannot open {} to append to it: {}", path.string(), std::strerror(errno)));
  const std::string expected = header_line(header);
  std::string first(expected.size(), '\0');
  const std::size_t got = std::fread(first.data(), 1, first.size(), in);
  std::fclose(in);
  if (got != expected.size() || first != expected)
    throw Error(fmt::format("{}: its header is not this run's, so rows cannot be appended to it", path.string()));
  file_ = std::fopen(path.c_str(), "a");
  if (!file_) throw Error(fmt::format("cannot open {} to append to it: {}", path.string(), std::strerror(errno)));
}

void CsvWriter::flush() {
  if (file_ && (std::fflush(file_) != 0 || std::ferror(file_) != 0))
    throw Error(fmt::format("cannot write {}: {}", path_.string(), std::strerror(errno)));
}

CsvWriter::~CsvWriter() {
  if (file_) std::fclose(file_);
}

void CsvWriter::row(const std::vector<Cell>& cells) {
  if (cells.size() != columns_)
    throw Error(fmt::format("{}: row has {} cells, header has {}", path_.string(), cells.size(), columns_));
  std::string line;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i) line += ',';
    std::visit(
        [&](const auto& v) {
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, std::string>) {
            line += csv_field(v);
          } else {
            line += fmt::format("{}", v);
          }
        },
        cells[i]);
  }
  write(line + "\n");
}

void CsvWriter::write(const std::string& text) {
  if (std::fwrite(text.data(), 1, text.size(), file_) != text.size())
    throw Error(fmt::format("cannot write {}: {}", path_.string(), std::strerror(errno)));
}

void CsvWriter::close() {
  if (!file_) return;
  const bool ok = std::fflush(file_) == 0 && std::ferror(file_) == 0;
  const int err = errno;
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!ok || !closed) throw Error(fmt::format("cannot write {}: {}", path_.string(), std::strerror(err)));
}

namespace {

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"')
        cells.back() += '"', ++i;
      else if (c == '"')
        quoted = false;
      else
        cells.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells.emplace_back();
    } else {
      cells.back() += c;
    }
  }
  return cells;
}

}  // namespace

CsvTable read_csv(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw Error(fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)));
  CsvTable table;
  std::string line;
  if (!std::getline(in, line)) throw Error(fmt::format("{}: empty file, expected a header line", path.string()));
  table.header = split_csv_line(line);
  for (int number = 2; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    auto cells = split_csv_line(line);
    if (cells.size() != table.header.size())
      throw Error(
          fmt::format("{}:{}: {} cells, the header has {}", path.string(), number, cells.size(), table.header.size()));
    table.rows.push_back(std::move(cells));
  }
  return table;
}

}  // namespace megacycle::io
