#pragma once
// The run manifest (proto/manifest.proto) written as JSON. Its hashes, host and time stamps come from
// engine/io/files.hpp.
#include <filesystem>

#include "manifest.pb.h"

namespace megacycle::io {

// Writes `manifest` as indented JSON with the .proto field names; throws megacycle::Error on failure.
void write_manifest(const std::filesystem::path& path, const Manifest& manifest);

}  // namespace megacycle::io
