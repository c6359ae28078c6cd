#include "engine/io/run_folder.hpp"

#include <fmt/core.h>

#include "engine/error.hpp"
#include "engine/io/files.hpp"

namespace megacycle::io {
namespace fs = std::filesystem;

RunFolder::RunFolder(fs::path dir, bool overwrite, bool create)
    : dir_(std::move(dir)), overwrite_(overwrite), owner_(create) {
  if (dir_.empty()) throw InputError("--out: an output folder is required");
  staging_ = dir_;
  staging_ += ".incomplete";
  if (fs::exists(dir_) && !overwrite_)
    throw InputError(fmt::format("--out {}: folder exists; choose another or pass --overwrite", dir_.string()));
  if (!owner_) return;
  std::error_code ec;
  fs::remove_all(staging_, ec);  // a stale folder from a run that died
  if (!dir_.parent_path().empty()) fs::create_directories(dir_.parent_path(), ec);
  if (!fs::create_directory(staging_, ec) || ec)
    throw Error(
        fmt::format("cannot create output folder {}: {}", staging_.string(), ec ? ec.message() : "unknown error"));
}

RunFolder::~RunFolder() {
  if (owner_ && !committed_) {
    std::error_code ec;
    fs::remove_all(staging_, ec);
  }
}

void RunFolder::commit() {
  if (!owner_) return;
  move_folder_into_place(staging_, dir_, overwrite_);
  committed_ = true;
}

}  // namespace megacycle::io
