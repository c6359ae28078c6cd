#include "engine/io/checkpoint.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <google/protobuf/util/json_util.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cereal/archives/binary.hpp>
#include <cereal/types/string.hpp>
#include <cerrno>
#include <cstring>
#include <memory>
#include <sstream>
#include <streambuf>

#include "engine/error.hpp"
#include "engine/failure.hpp"
#include "engine/io/manifest.hpp"

namespace megacycle::io {
namespace fs = std::filesystem;
namespace {

constexpr const char* kHeaderFile = "checkpoint.json";
constexpr const char* kGlobalFile = "global.bin";
constexpr const char* kLatestFile = "latest";
constexpr const char* kWritingPrefix = ".writing-";
constexpr const char* kPartMagic = "megacycle-checkpoint-part";
constexpr std::size_t kBufferBytes = 1 << 20;
constexpr std::uint64_t kMaxNameBytes = 4096;  // names in a part's own header (a corrupt length is refused)

std::string errno_text() { return std::strerror(errno); }

// Incremental SHA-256 (OpenSSL EVP).
class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) throw Error("SHA-256 failed (OpenSSL)");
  }
  void update(const void* data, std::size_t n) {
    if (n && EVP_DigestUpdate(ctx_.get(), data, n) != 1) throw Error("SHA-256 failed (OpenSSL)");
  }
  std::string hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(ctx_.get(), digest, &length) != 1) throw Error("SHA-256 failed (OpenSSL)");
    std::string out;
    for (unsigned int i = 0; i < length; ++i) out += fmt::format("{:02x}", digest[i]);
    return out;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
};

// An output file that hashes what it writes and is fsync'd on close(). Errors name the file.
class WriteFile : public std::streambuf {
 public:
  explicit WriteFile(fs::path path) : path_(std::move(path)), buffer_(kBufferBytes) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) throw Error(fmt::format("cannot create {}: {}", path_.string(), errno_text()));
    setp(buffer_.data(), buffer_.data() + buffer_.size());
  }
  ~WriteFile() override {
    if (fd_ >= 0) ::close(fd_);
  }
  WriteFile(const WriteFile&) = delete;
  WriteFile& operator=(const WriteFile&) = delete;

  void write(const void* data, std::size_t n) {
    if (n && sputn(static_cast<const char*>(data), static_cast<std::streamsize>(n)) != static_cast<std::streamsize>(n))
      fail();
  }
  // Flushes, fsyncs and closes; returns the file's entry (name = file name).
  CheckpointHeader::File close() {
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

 protected:
  int_type overflow(int_type c) override {
    if (!drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  int sync() override { return drain() ? 0 : -1; }

 private:
  [[noreturn]] void fail() { throw Error(fmt::format("cannot write {}: {}", path_.string(), errno_text())); }
  bool drain() {
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
  fs::path path_;
  std::vector<char> buffer_;
  int fd_ = -1;
  std::uint64_t bytes_ = 0;
  Sha256 sha_;
};

// An input file that hashes what it reads; finish() reads the rest and compares with the header's entry.
class ReadFile : public std::streambuf {
 public:
  ReadFile(fs::path path, const CheckpointHeader::File& entry)
      : path_(std::move(path)), entry_(entry), buffer_(kBufferBytes) {
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw InputError(fmt::format("{}: cannot open: {}", path_.string(), errno_text()));
    setg(buffer_.data(), buffer_.data(), buffer_.data());
  }
  ~ReadFile() override {
    if (fd_ >= 0) ::close(fd_);
  }
  ReadFile(const ReadFile&) = delete;
  ReadFile& operator=(const ReadFile&) = delete;

  // Reads exactly n bytes into `out`; InputError at the end of the file.
  void read(void* out, std::size_t n) {
    if (n && sgetn(static_cast<char*>(out), static_cast<std::streamsize>(n)) != static_cast<std::streamsize>(n))
      throw InputError(fmt::format("{}: ends early (truncated)", path_.string()));
  }
  // Reads and discards n bytes.
  void skip(std::size_t n) {
    while (n > 0) {
      if (gptr() == egptr() && underflow() == traits_type::eof())
        throw InputError(fmt::format("{}: ends early (truncated)", path_.string()));
      const auto k = std::min<std::size_t>(n, static_cast<std::size_t>(egptr() - gptr()));
      gbump(static_cast<int>(k));
      n -= k;
    }
  }
  // Reads to the end; then what is wrong with the file's size or SHA-256, or "" if it matches the header.
  const std::string& problem() {
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
  // Reads to the end and throws InputError if the file does not match the header.
  void finish() {
    if (!problem().empty()) throw InputError(problem());
  }

 protected:
  int_type underflow() override {
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

 private:
  fs::path path_;
  CheckpointHeader::File entry_;
  std::vector<char> buffer_;
  int fd_ = -1;
  std::uint64_t bytes_ = 0;
  bool checked_ = false;
  std::string problem_;
  Sha256 sha_;
};

void fsync_folder(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw Error(fmt::format("cannot open folder {}: {}", dir.string(), errno_text()));
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0 && errno != EINVAL) throw Error(fmt::format("cannot fsync folder {}: {}", dir.string(), errno_text()));
}

std::string header_json(const CheckpointHeader& header) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  std::string json;
  const auto status = google::protobuf::util::MessageToJsonString(header, &json, options);
  if (!status.ok()) throw Error("cannot encode checkpoint header: " + status.ToString());
  return json;
}

// Writes `text` to `path` and fsyncs it.
CheckpointHeader::File write_small_file(const fs::path& path, const std::string& text) {
  WriteFile out(path);
  out.write(text.data(), text.size());
  return out.close();
}

CheckpointHeader::File copy_into_checkpoint(const fs::path& from, const fs::path& to) {
  const int fd = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(fmt::format("cannot open {} to save it in a checkpoint: {}", from.string(), errno_text()));
  WriteFile out(to);
  std::vector<char> buffer(kBufferBytes);
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

// Per-rank facts rank 0 needs for the header: the part's size and hash, and its id ranges.
struct PartRecord {
  std::uint64_t bytes = 0;
  char sha256[64] = {};
};
struct RangeRecord {
  std::uint64_t size = 0, begin = 0, end = 0;
};

CheckpointHeader::File write_part(const fs::path& path, const std::vector<AgentSlice>& slices, int rank, int ranks) {
  WriteFile file(path);
  {
    std::ostream stream(&file);
    cereal::BinaryOutputArchive ar(stream);
    ar(std::string(kPartMagic), kCheckpointFormatVersion, std::int32_t{rank}, std::int32_t{ranks},
       std::uint64_t{slices.size()});
    for (const auto& s : slices) {
      ar(s.population, s.size, s.begin, s.end, std::uint64_t{s.columns.size()});
      for (const auto& c : s.columns) {
        const std::uint64_t expected = (s.end - s.begin) * c.per_agent * c.element_bytes;
        if (c.bytes != expected)
          throw Error(fmt::format("checkpoint: column {}.{} holds {} bytes for {} agents, expected {}", s.population,
                                  c.name, c.bytes, s.end - s.begin, expected));
        ar(c.name, c.element_bytes, c.per_agent, std::uint64_t{c.bytes});
        ar(cereal::binary_data(c.data, c.bytes));
      }
    }
    stream.flush();
    if (!stream) throw Error(fmt::format("cannot write {}", path.string()));
  }
  return file.close();
}

// Reads what a part file holds, in the order written, with every length checked before use.
class PartParser {
 public:
  explicit PartParser(ReadFile& file) : file_(file) {}
  template <class T>
  T value() {
    T v{};
    file_.read(&v, sizeof v);
    return v;
  }
  std::string name() {
    const auto n = value<std::uint64_t>();
    if (n > kMaxNameBytes) throw InputError("a name of " + std::to_string(n) + " bytes");
    std::string s(n, '\0');
    file_.read(s.data(), n);
    return s;
  }

 private:
  ReadFile& file_;
};

// Fills the parts of `slices` that part `path` holds. Throws InputError naming the part.
void read_part(const fs::path& path, const CheckpointHeader::File& entry, std::vector<AgentSlice>& slices) {
  ReadFile file(path, entry);
  const auto bad = [&](const std::string& what) {
    return InputError(fmt::format("{}: {}", path.string(), what));
  };
  try {
    PartParser in(file);
    // Cereal's binary archive writes a string as its 64-bit length and bytes, numbers as their bytes.
    if (in.name() != kPartMagic) throw bad("not a megacycle checkpoint part");
    const auto version = in.value<std::uint32_t>();
    if (version != kCheckpointFormatVersion)
      throw bad(fmt::format("part format version {}; this program reads version {}", version, kCheckpointFormatVersion));
    in.value<std::int32_t>();  // rank
    in.value<std::int32_t>();  // ranks
    const auto populations = in.value<std::uint64_t>();
    if (populations != slices.size())
      throw bad(fmt::format("{} population(s); this run has {}", populations, slices.size()));
    for (auto& s : slices) {
      const std::string name = in.name();
      const auto size = in.value<std::uint64_t>(), begin = in.value<std::uint64_t>(), end = in.value<std::uint64_t>();
      const auto columns = in.value<std::uint64_t>();
      if (name != s.population) throw bad(fmt::format("population \"{}\" where this run has \"{}\"", name, s.population));
      if (size != s.size)
        throw bad(fmt::format("population {} has {} agents; this run's has {}", name, size, s.size));
      if (begin > end || end > size) throw bad(fmt::format("population {}: id range [{}, {}) out of range", name, begin, end));
      if (columns != s.columns.size())
        throw bad(fmt::format("population {} has {} column(s); this run's has {}", name, columns, s.columns.size()));
      const std::uint64_t lo = std::max(begin, s.begin), hi = std::min(end, s.end);
      for (auto& c : s.columns) {
        const std::string column = in.name();
        const auto element_bytes = in.value<std::uint32_t>(), per_agent = in.value<std::uint32_t>();
        const auto bytes = in.value<std::uint64_t>();
        if (column != c.name || element_bytes != c.element_bytes || per_agent != c.per_agent)
          throw bad(fmt::format("{} column \"{}\" ({} x {} bytes per agent) where this run has \"{}\" ({} x {} bytes)",
                                name, column, per_agent, element_bytes, c.name, c.per_agent, c.element_bytes));
        const std::uint64_t row = std::uint64_t{per_agent} * element_bytes;
        if (bytes != (end - begin) * row) throw bad(fmt::format("{}.{}: {} bytes for {} agents", name, column, bytes, end - begin));
        if (lo >= hi) {
          file.skip(bytes);
          continue;
        }
        file.skip((lo - begin) * row);
        file.read(c.data + (lo - s.begin) * row, (hi - lo) * row);
        file.skip((end - hi) * row);
      }
    }
  } catch (const InputError&) {
    // A damaged file reads as nonsense: say it is corrupt rather than what the nonsense looked like.
    file.finish();
    throw;
  }
  file.finish();
}

bool is_checkpoint_name(const std::string& name) {
  constexpr std::string_view prefix = "quarter-";
  if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) return false;
  return std::all_of(name.begin() + static_cast<long>(prefix.size()), name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Rank 0's part of writing: global state, outputs, header; then the renames.
void finish_checkpoint(const fs::path& root, const fs::path& writing, const fs::path& final_dir, CheckpointHeader header,
                       const CheckpointContent& content) {
  std::vector<CheckpointHeader::File> files;
  {
    WriteFile global(writing / kGlobalFile);
    {
      std::ostream stream(&global);
      if (content.write_global) content.write_global(stream);
      stream.flush();
      if (!stream) throw Error(fmt::format("cannot write {}", (writing / kGlobalFile).string()));
    }
    files.push_back(global.close());
  }
  if (!content.outputs.empty()) {
    fs::create_directory(writing / "outputs");
    for (const auto& path : content.outputs) {
      auto f = copy_into_checkpoint(path, writing / "outputs" / path.filename());
      f.set_name("outputs/" + path.filename().string());
      files.push_back(f);
      header.add_outputs(path.filename().string());
    }
    fsync_folder(writing / "outputs");
  }
  for (auto& f : files) *header.add_files() = f;
  write_small_file(writing / kHeaderFile, header_json(header));
  fsync_folder(writing);

  std::error_code ec;
  fs::remove_all(final_dir, ec);  // the same quarter written again (a resumed run stopped at once)
  fs::rename(writing, final_dir, ec);
  if (ec) throw Error(fmt::format("cannot move {} to {}: {}", writing.string(), final_dir.string(), ec.message()));
  fsync_folder(root);
  const fs::path latest_tmp = root / (std::string(kWritingPrefix) + kLatestFile);
  write_small_file(latest_tmp, final_dir.filename().string() + "\n");
  fs::rename(latest_tmp, root / kLatestFile, ec);
  if (ec) throw Error(fmt::format("cannot replace {}: {}", (root / kLatestFile).string(), ec.message()));
  fsync_folder(root);
  // Older checkpoints and leftovers of interrupted writes go only now that the new one is in place.
  std::vector<fs::path> stale;
  for (const auto& entry : fs::directory_iterator(root)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_directory() && ((is_checkpoint_name(name) && name != final_dir.filename().string()) ||
                                 name.rfind(kWritingPrefix, 0) == 0))
      stale.push_back(entry.path());
  }
  for (const auto& path : stale) fs::remove_all(path, ec);
}

}  // namespace

std::string native_byte_order() { return std::endian::native == std::endian::little ? "little" : "big"; }

std::string checkpoint_folder_name(int quarters_done) { return fmt::format("quarter-{:04d}", quarters_done); }

fs::path write_checkpoint(Comm& comm, const fs::path& root, const CheckpointContent& content) {
  const bool writer = comm.rank() == 0;
  const std::string name = checkpoint_folder_name(content.header.quarters_done());
  const fs::path writing = root / (kWritingPrefix + name), final_dir = root / name;
  agreed(comm, [&] {
    if (!writer) return;
    std::error_code ec;
    fs::create_directories(root, ec);
    fs::remove_all(writing, ec);
    if (!fs::create_directory(writing, ec) || ec)
      throw Error(fmt::format("cannot create checkpoint folder {}: {}", writing.string(),
                              ec ? ec.message() : "unknown error"));
  });

  try {
    const std::string part = fmt::format("part-{:04d}.bin", comm.rank());
    PartRecord record;
    agreed(comm, [&] {
      const auto f = write_part(writing / part, content.agents, comm.rank(), comm.size());
      record.bytes = f.bytes();
      std::memcpy(record.sha256, f.sha256().data(), std::min<std::size_t>(64, f.sha256().size()));
    });
    const auto records = allgatherv<PartRecord>(comm, std::span<const PartRecord>(&record, 1));
    std::vector<RangeRecord> mine;
    for (const auto& s : content.agents) mine.push_back({s.size, s.begin, s.end});
    const auto ranges = allgatherv<RangeRecord>(comm, std::span<const RangeRecord>(mine));

    agreed(comm, [&] {
      if (!writer) return;
      CheckpointHeader header = content.header;
      header.set_format_version(kCheckpointFormatVersion);
      header.set_byte_order(native_byte_order());
      header.set_written_utc(utc_now_iso8601());
      header.set_ranks(comm.size());
      header.clear_files(), header.clear_parts(), header.clear_outputs();
      const std::size_t per_rank = content.agents.size();
      for (int r = 0; r < comm.size(); ++r) {
        const auto& rec = records[static_cast<std::size_t>(r)];
        auto* f = header.add_files();
        f->set_name(fmt::format("part-{:04d}.bin", r));
        f->set_bytes(rec.bytes);
        f->set_sha256(std::string(rec.sha256, 64));
        auto* p = header.add_parts();
        p->set_file(f->name());
        p->set_rank(r);
        for (std::size_t k = 0; k < per_rank; ++k) {
          const auto& rr = ranges[static_cast<std::size_t>(r) * per_rank + k];
          auto* range = p->add_ranges();
          range->set_population(content.agents[k].population);
          range->set_population_size(rr.size);
          range->set_begin(rr.begin);
          range->set_end(rr.end);
        }
      }
      finish_checkpoint(root, writing, final_dir, std::move(header), content);
    });
  } catch (...) {
    if (writer) {
      std::error_code ec;
      fs::remove_all(writing, ec);  // nothing half-written stays; the previous checkpoint is untouched
    }
    throw;
  }
  return final_dir;
}

CheckpointReader::CheckpointReader(const fs::path& path) {
  std::error_code ec;
  if (fs::exists(path / kHeaderFile, ec)) {
    folder_ = path;
  } else if (fs::exists(path / kLatestFile, ec)) {
    std::string name = read_file(path / kLatestFile);
    while (!name.empty() && (name.back() == '\n' || name.back() == ' ' || name.back() == '\r')) name.pop_back();
    if (!is_checkpoint_name(name))
      throw InputError(fmt::format("{}: \"{}\" is not a checkpoint name (quarter-NNNN)", (path / kLatestFile).string(), name));
    folder_ = path / name;
    if (!fs::exists(folder_ / kHeaderFile, ec))
      throw InputError(fmt::format("{}: names {}, which has no {}: the checkpoint is incomplete or was removed",
                                   (path / kLatestFile).string(), folder_.string(), kHeaderFile));
  } else if (!fs::exists(path, ec)) {
    throw InputError(fmt::format("{}: no such checkpoint folder", path.string()));
  } else {
    throw InputError(fmt::format("{}: not a checkpoint (it has neither a `{}` file nor a {})", path.string(), kLatestFile,
                                 kHeaderFile));
  }

  const fs::path header_path = folder_ / kHeaderFile;
  google::protobuf::util::JsonParseOptions options;
  const auto status = google::protobuf::util::JsonStringToMessage(read_file(header_path), &header_, options);
  if (!status.ok())
    throw InputError(fmt::format("{}: not a readable checkpoint header: {}", header_path.string(), status.ToString()));
  if (header_.format_version() != kCheckpointFormatVersion)
    throw InputError(fmt::format("{}: checkpoint format version {}; this program reads version {} only",
                                 header_path.string(), header_.format_version(), kCheckpointFormatVersion));
  if (header_.byte_order() != native_byte_order())
    throw InputError(fmt::format("{}: written on a {}-endian machine; this one is {}-endian", header_path.string(),
                                 header_.byte_order(), native_byte_order()));
  if (header_.ranks() < 1 || header_.parts_size() != header_.ranks())
    throw InputError(fmt::format("{}: {} part(s) listed for {} rank(s)", header_path.string(), header_.parts_size(),
                                 header_.ranks()));
  for (const auto& f : header_.files()) {
    const fs::path p = folder_ / f.name();
    if (f.name().find("..") != std::string::npos || !fs::is_regular_file(p, ec))
      throw InputError(fmt::format("{}: missing (listed in {})", p.string(), header_path.string()));
    const auto size = fs::file_size(p, ec);
    if (ec || size != f.bytes())
      throw InputError(fmt::format("{}: {} bytes, the checkpoint header records {}: the file is truncated or was replaced",
                                   p.string(), ec ? 0 : size, f.bytes()));
  }
  for (const auto& p : header_.parts()) file(p.file());
  file(kGlobalFile);
}

const CheckpointHeader::File& CheckpointReader::file(const std::string& name) const {
  for (const auto& f : header_.files())
    if (f.name() == name) return f;
  throw InputError(fmt::format("{}: lists no file {}", (folder_ / kHeaderFile).string(), name));
}

void CheckpointReader::read_global(const std::function<void(std::istream&)>& read) const {
  const fs::path path = folder_ / kGlobalFile;
  std::string bytes;
  {
    ReadFile in(path, file(kGlobalFile));
    bytes.resize(file(kGlobalFile).bytes());
    in.read(bytes.data(), bytes.size());
    in.finish();
  }
  std::istringstream stream(std::move(bytes));
  try {
    read(stream);
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    throw InputError(fmt::format("{}: cannot read the state: {}", path.string(), e.what()));
  }
}

void CheckpointReader::read_agents(std::vector<AgentSlice>& slices, int rank, int ranks) const {
  for (const auto& s : slices)
    for (const auto& c : s.columns)
      if (c.bytes != (s.end - s.begin) * c.per_agent * c.element_bytes)
        throw Error(fmt::format("checkpoint: column {}.{} sized {} bytes for {} agents", s.population, c.name, c.bytes,
                                s.end - s.begin));
  // Coverage: the parts' ranges of each population must hold every id this rank needs.
  std::vector<std::uint64_t> covered(slices.size(), 0);
  for (int p = 0; p < header_.parts_size(); ++p) {
    const auto& part = header_.parts(p);
    bool needed = false, empty = true;
    for (const auto& r : part.ranges()) {
      if (r.end() > r.begin()) empty = false;
      for (std::size_t k = 0; k < slices.size(); ++k) {
        if (r.population() != slices[k].population) continue;
        if (r.population_size() != slices[k].size)
          throw InputError(fmt::format("{}: population {} has {} agents in the checkpoint, {} in this run",
                                       (folder_ / kHeaderFile).string(), r.population(), r.population_size(),
                                       slices[k].size));
        const std::uint64_t lo = std::max(r.begin(), slices[k].begin), hi = std::min(r.end(), slices[k].end);
        if (lo < hi) needed = true, covered[k] += hi - lo;
      }
    }
    if (needed || (empty && p % ranks == rank)) read_part(folder_ / part.file(), file(part.file()), slices);
  }
  for (std::size_t k = 0; k < slices.size(); ++k)
    if (covered[k] != slices[k].end - slices[k].begin)
      throw InputError(fmt::format("{}: the parts hold {} of the {} {} ids [{}, {}) this rank needs",
                                   (folder_ / kHeaderFile).string(), covered[k], slices[k].end - slices[k].begin,
                                   slices[k].population, slices[k].begin, slices[k].end));
}

std::vector<std::string> CheckpointReader::restore_outputs(const fs::path& dir) const {
  std::vector<std::string> names;
  for (const auto& name : header_.outputs()) {
    if (name.find('/') != std::string::npos || name.find("..") != std::string::npos)
      throw InputError(fmt::format("{}: bad output name \"{}\"", (folder_ / kHeaderFile).string(), name));
    const std::string relative = "outputs/" + name;
    ReadFile in(folder_ / relative, file(relative));
    WriteFile out(dir / name);
    std::vector<char> buffer(kBufferBytes);
    for (;;) {
      const auto n = in.sgetn(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      if (n <= 0) break;
      out.write(buffer.data(), static_cast<std::size_t>(n));
    }
    in.finish();
    out.close();
    names.push_back(name);
  }
  return names;
}

}  // namespace megacycle::io
