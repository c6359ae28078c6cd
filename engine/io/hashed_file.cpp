#include "engine/io/hashed_file.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "engine/error.hpp"

namespace megacycle::io {
namespace fs = std::filesystem;
namespace {

std::string errno_text() { return std::strerror(errno); }

}  // namespace

HashedFileWriter::HashedFileWriter(fs::path path) : path_(std::move(path)), buffer_(kHashedFileBufferBytes) {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error(fmt::format("cannot create {}: {}", path_.string(), errno_text()));
  setp(buffer_.data(), buffer_.data() + buffer_.size());
}

HashedFileWriter::~HashedFileWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void HashedFileWriter::write(const void* data, std::size_t n) {
  if (n && sputn(static_cast<const char*>(data), static_cast<std::streamsize>(n)) != static_cast<std::streamsize>(n))
    fail();
}

CheckpointHeader::File HashedFileWriter::close() {
  if (!drain() || ::fsync(fd_) != 0) fail();
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) fail();
  CheckpointHeader::File f;
  f.set_name(path_.filename().string());
  f.set_bytes(bytes_);
  f.set_sha256(sha_.hex());
  return f;
}

HashedFileWriter::int_type HashedFileWriter::overflow(int_type c) {
  if (!drain()) return traits_type::eof();
  if (!traits_type::eq_int_type(c, traits_type::eof())) {
    *pptr() = traits_type::to_char_type(c);
    pbump(1);
  }
  return traits_type::not_eof(c);
}

int HashedFileWriter::sync() { return drain() ? 0 : -1; }

void HashedFileWriter::fail() { throw Error(fmt::format("cannot write {}: {}", path_.string(), errno_text())); }

bool HashedFileWriter::drain() {
  const char* p = pbase();
  const auto n = static_cast<std::size_t>(pptr() - pbase());
  sha_.update(p, n);
  for (std::size_t done = 0; done < n;) {
    const ssize_t w = ::write(fd_, p + done, n - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    done += static_cast<std::size_t>(w);
  }
  bytes_ += n;
  setp(buffer_.data(), buffer_.data() + buffer_.size());
  return true;
}

HashedFileReader::HashedFileReader(fs::path path, const CheckpointHeader::File& entry)
    : path_(std::move(path)), entry_(entry), buffer_(kHashedFileBufferBytes) {
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw InputError(fmt::format("{}: cannot open: {}", path_.string(), errno_text()));
  setg(buffer_.data(), buffer_.data(), buffer_.data());
}

HashedFileReader::~HashedFileReader() {
  if (fd_ >= 0) ::close(fd_);
}

void HashedFileReader::read(void* out, std::size_t n) {
  if (n && sgetn(static_cast<char*>(out), static_cast<std::streamsize>(n)) != static_cast<std::streamsize>(n))
    throw InputError(fmt::format("{}: ends early (truncated)", path_.string()));
}

void HashedFileReader::skip(std::size_t n) {
  while (n > 0) {
    if (gptr() == egptr() && underflow() == traits_type::eof())
      throw InputError(fmt::format("{}: ends early (truncated)", path_.string()));
    const auto k = std::min<std::size_t>(n, static_cast<std::size_t>(egptr() - gptr()));
    gbump(static_cast<int>(k));
    n -= k;
  }
}

const std::string& HashedFileReader::problem() {
  if (checked_) return problem_;
  while (underflow() != traits_type::eof()) setg(eback(), egptr(), egptr());
  checked_ = true;
  const std::string sha = sha_.hex();
  if (bytes_ != entry_.bytes())
    problem_ = fmt::format("{}: {} bytes, the checkpoint header records {}: the file is truncated or was replaced",
                           path_.string(), bytes_, entry_.bytes());
  else if (sha != entry_.sha256())
    problem_ = fmt::format("{}: SHA-256 {} differs from the checkpoint header's {}: the file is corrupt",
                           path_.string(), sha, entry_.sha256());
  return problem_;
}

void HashedFileReader::finish() {
  if (!problem().empty()) throw InputError(problem());
}

HashedFileReader::int_type HashedFileReader::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  if (fd_ < 0) return traits_type::eof();
  ssize_t r;
  do r = ::read(fd_, buffer_.data(), buffer_.size());
  while (r < 0 && errno == EINTR);
  if (r < 0) throw InputError(fmt::format("{}: cannot read: {}", path_.string(), errno_text()));
  if (r == 0) {
    ::close(fd_);
    fd_ = -1;
    return traits_type::eof();
  }
  sha_.update(buffer_.data(), static_cast<std::size_t>(r));
  bytes_ += static_cast<std::uint64_t>(r);
  setg(buffer_.data(), buffer_.data(), buffer_.data() + r);
  return traits_type::to_int_type(*gptr());
}

CheckpointHeader::File write_hashed_file(const fs::path& path, const std::string& text) {
  HashedFileWriter out(path);
  out.write(text.data(), text.size());
  return out.close();
}

CheckpointHeader::File copy_hashed_file(const fs::path& from, const fs::path& to) {
  const int fd = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(fmt::format("cannot open {} to save it in a checkpoint: {}", from.string(), errno_text()));
  HashedFileWriter out(to);
  std::vector<char> buffer(kHashedFileBufferBytes);
  for (;;) {
    const ssize_t r = ::read(fd, buffer.data(), buffer.size());
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      const std::string why = errno_text();
      ::close(fd);
      throw Error(fmt::format("cannot read {}: {}", from.string(), why));
    }
    if (r == 0) break;
    out.write(buffer.data(), static_cast<std::size_t>(r));
  }
  ::close(fd);
  return out.close();
}

}  // namespace megacycle::io
