#pragma once
// Whole-file reads and writes, the one atomic way to replace a file or folder (a temporary beside it, fsync,
// rename), SHA-256, and the host and time stamps that provenance records. Every module that writes a file
// readers must see whole or not at all (run folders, checkpoints, ensemble summaries) goes through here,
// so the temporary names, the fsyncs and the error messages are the same everywhere.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX, kept out of this header

namespace megacycle::io {

// Reads whole file into a string; throws megacycle::InputError naming the file when it cannot.
std::string read_file(const std::filesystem::path& path);
// Writes `text` to `path`, checking every step; throws megacycle::Error naming the file.
void write_file(const std::filesystem::path& path, const std::string& text);

// Replaces `path` so that readers see the old file or the new one whole, never part of it: `write` creates
// the file at the temporary path it is given ("PATH.tmp-HOST-PID", unique per process, so array tasks on
// several nodes may write the same file side by side), which is then fsync'd and renamed over `path`, and
// the folder fsync'd. The temporary is removed if anything fails; throws megacycle::Error naming the file.
void write_file_atomic(const std::filesystem::path& path,
                       const std::function<void(const std::filesystem::path& temporary)>& write);
void write_file_atomic(const std::filesystem::path& path, const std::string& text);

// Renames the finished folder `staged` to `final_path` (removing an existing `final_path` first if
// `replace`) and fsyncs the parent folder, so the folder appears whole. Throws megacycle::Error.
void move_folder_into_place(const std::filesystem::path& staged, const std::filesystem::path& final_path, bool replace);

// Flushes the file or folder at `path` to stable storage; throws megacycle::Error naming it. A folder whose
// file system cannot fsync folders (EINVAL) counts as done.
void fsync_path(const std::filesystem::path& path);

// Incremental SHA-256 (OpenSSL EVP), for files hashed while they stream.
class Sha256 {
 public:
  Sha256();
  void update(const void* data, std::size_t n);
  // Lower-case hex of the digest of everything updated so far; call once.
  std::string hex();

 private:
  std::unique_ptr<evp_md_ctx_st, void (*)(evp_md_ctx_st*)> ctx_;
};

// Lower-case hex SHA-256 of `text`.
std::string sha256_hex(const std::string& text);

// Now, UTC, "2026-11-26T12:34:56Z".
std::string utc_now_iso8601();
// This machine's host name, or "unknown".
std::string host_name();

}  // namespace megacycle::io
