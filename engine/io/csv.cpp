#include "engine/io/csv.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <cstring>

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

CsvWriter::CsvWriter(const std::filesystem::path& path, const std::vector<std::string>& header)
    : path_(path), columns_(header.size()), file_(std::fopen(path.c_str(), "w")) {
  if (!file_) throw Error(fmt::format("cannot create {}: {}", path.string(), std::strerror(errno)));
  std::string line;
  for (std::size_t i = 0; i < header.size(); ++i) line += (i ? "," : "") + csv_field(header[i]);
  write(line + "\n");
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

}  // namespace megacycle::io
