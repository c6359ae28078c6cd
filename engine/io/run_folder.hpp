#pragma once
// A run's output folder that never looks complete before it is. Outputs go into "<DIR>.incomplete";
// commit() renames it to DIR once everything (manifest last) is written. An existing DIR is refused unless
// overwrite is set. If the run fails, the staging folder is removed, so bad input or a failed run leaves
// no output folder behind.
#include <filesystem>

namespace megacycle::io {

class RunFolder {
 public:
  // Checks `dir` (every rank may call this); creates the staging folder only if `create` (rank 0).
  RunFolder(std::filesystem::path dir, bool overwrite, bool create);
  ~RunFolder();
  RunFolder(const RunFolder&) = delete;
  RunFolder& operator=(const RunFolder&) = delete;

  const std::filesystem::path& final_path() const { return dir_; }
  std::filesystem::path file(const std::string& name) const { return staging_ / name; }
  void commit();

 private:
  std::filesystem::path dir_, staging_;
  bool overwrite_, owner_, committed_ = false;
};

}  // namespace megacycle::io
