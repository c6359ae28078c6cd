#pragma once
// The run manifest (proto/manifest.proto) written as JSON, and the small helpers it needs.
#include <filesystem>
#include <string>

#include "manifest.pb.h"

namespace megacycle::io {

// Lower-case hex SHA-256 of `text`.
std::string sha256_hex(const std::string& text);
// Now, UTC, "2026-11-26T12:34:56Z".
std::string utc_now_iso8601();
std::string host_name();
// Writes `manifest` as indented JSON with the .proto field names; throws megacycle::Error on failure.
void write_manifest(const std::filesystem::path& path, const Manifest& manifest);
// Reads whole file into a string; throws megacycle::InputError naming the file when it cannot.
std::string read_file(const std::filesystem::path& path);
// Writes `text` to `path`, checking every step; throws megacycle::Error naming the file.
void write_file(const std::filesystem::path& path, const std::string& text);

}  // namespace megacycle::io
