#pragma once
// Buffered file I/O that hashes as it streams, for the files of a checkpoint: the writer records each
// file's size and SHA-256 for the checkpoint header and fsyncs the file on close; the reader checks a file
// against that record as it reads it. A part file can be gigabytes, so each is read and hashed in one pass,
// and a truncated or corrupt file is refused by name (docs/checkpoints.md).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <streambuf>
#include <string>
#include <vector>

#include "checkpoint.pb.h"
#include "engine/io/files.hpp"

namespace megacycle::io {

inline constexpr std::size_t kHashedFileBufferBytes = 1 << 20;

// An output file that hashes what it writes and is fsync'd on close(). Errors name the file.
class HashedFileWriter : public std::streambuf {
 public:
  explicit HashedFileWriter(std::filesystem::path path);
  ~HashedFileWriter() override;
  HashedFileWriter(const HashedFileWriter&) = delete;
  HashedFileWriter& operator=(const HashedFileWriter&) = delete;

  void write(const void* data, std::size_t n);
  // Flushes, fsyncs and closes; returns the file's entry (name = file name).
  CheckpointHeader::File close();

 protected:
  int_type overflow(int_type c) override;
  int sync() override;

 private:
  [[noreturn]] void fail();
  bool drain();
  std::filesystem::path path_;
  std::vector<char> buffer_;
  int fd_ = -1;
  std::uint64_t bytes_ = 0;
  Sha256 sha_;
};

// An input file that hashes what it reads; finish() reads the rest and compares with the header's entry.
class HashedFileReader : public std::streambuf {
 public:
  HashedFileReader(std::filesystem::path path, const CheckpointHeader::File& entry);
  ~HashedFileReader() override;
  HashedFileReader(const HashedFileReader&) = delete;
  HashedFileReader& operator=(const HashedFileReader&) = delete;

  // Reads exactly n bytes into `out`; InputError at the end of the file.
  void read(void* out, std::size_t n);
  // Reads and discards n bytes.
  void skip(std::size_t n);
  // Reads to the end; then what is wrong with the file's size or SHA-256, or "" if it matches the header.
  const std::string& problem();
  // Reads to the end and throws InputError if the file does not match the header.
  void finish();

 protected:
  int_type underflow() override;

 private:
  std::filesystem::path path_;
  CheckpointHeader::File entry_;
  std::vector<char> buffer_;
  int fd_ = -1;
  std::uint64_t bytes_ = 0;
  bool checked_ = false;
  std::string problem_;
  Sha256 sha_;
};

// Writes `text` to `path`, fsync'd; returns its entry.
CheckpointHeader::File write_hashed_file(const std::filesystem::path& path, const std::string& text);
// Copies `from` to `to`, fsync'd; returns the copy's entry. Errors say the copy was for a checkpoint.
CheckpointHeader::File copy_hashed_file(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace megacycle::io
