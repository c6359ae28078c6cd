#include "engine/io/manifest.hpp"

#include <google/protobuf/util/json_util.h>

#include <string>

#include "engine/error.hpp"
#include "engine/io/files.hpp"

namespace megacycle::io {

void write_manifest(const std::filesystem::path& path, const Manifest& manifest) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string json;
  const auto status = google::protobuf::util::MessageToJsonString(manifest, &json, options);
  if (!status.ok()) throw Error("cannot encode manifest: " + status.ToString());
  write_file(path, json);
}

}  // namespace megacycle::io
