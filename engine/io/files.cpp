#include "engine/io/files.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include "engine/error.hpp"

namespace megacycle::io {
namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open: {}", path.string(), std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw InputError(fmt::format("{}: cannot read", path.string()));
  return text.str();
}

void write_file(const fs::path& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) throw Error(fmt::format("cannot create {}: {}", path.string(), std::strerror(errno)));
  const bool wrote = std::fwrite(text.data(), 1, text.size(), f) == text.size() && std::fflush(f) == 0;
  const int err = errno;
  const bool closed = std::fclose(f) == 0;
  if (!wrote || !closed) throw Error(fmt::format("cannot write {}: {}", path.string(), std::strerror(err)));
}

void fsync_path(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(fmt::format("cannot open {}: {}", path.string(), std::strerror(errno)));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0 && err != EINVAL) throw Error(fmt::format("cannot fsync {}: {}", path.string(), std::strerror(err)));
}

namespace {

fs::path folder_of(const fs::path& path) { return path.parent_path().empty() ? fs::path(".") : path.parent_path(); }

}  // namespace

void write_file_atomic(const fs::path& path, const std::function<void(const fs::path& temporary)>& write) {
  fs::path temporary = path;
  temporary += fmt::format(".tmp-{}-{}", host_name(), ::getpid());
  try {
    write(temporary);
    fsync_path(temporary);
    std::error_code ec;
    fs::rename(temporary, path, ec);
    if (ec) throw Error(fmt::format("cannot replace {}: {}", path.string(), ec.message()));
  } catch (...) {
    std::error_code ec;
    fs::remove(temporary, ec);
    throw;
  }
  fsync_path(folder_of(path));
}

void write_file_atomic(const fs::path& path, const std::string& text) {
  write_file_atomic(path, [&](const fs::path& temporary) { write_file(temporary, text); });
}

void move_folder_into_place(const fs::path& staged, const fs::path& final_path, bool replace) {
  std::error_code ec;
  if (replace) fs::remove_all(final_path, ec);
  fs::rename(staged, final_path, ec);
  if (ec) throw Error(fmt::format("cannot move {} to {}: {}", staged.string(), final_path.string(), ec.message()));
  fsync_path(folder_of(final_path));
}

Sha256::Sha256() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
  if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) throw Error("SHA-256 failed (OpenSSL)");
}

void Sha256::update(const void* data, std::size_t n) {
  if (n && EVP_DigestUpdate(ctx_.get(), data, n) != 1) throw Error("SHA-256 failed (OpenSSL)");
}

std::string Sha256::hex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(ctx_.get(), digest, &length) != 1) throw Error("SHA-256 failed (OpenSSL)");
  std::string out;
  for (unsigned int i = 0; i < length; ++i) out += fmt::format("{:02x}", digest[i]);
  return out;
}

std::string sha256_hex(const std::string& text) {
  Sha256 sha;
  sha.update(text.data(), text.size());
  return sha.hex();
}

std::string utc_now_iso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

}  // namespace megacycle::io
