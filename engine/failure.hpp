#pragma once
// How errors end an MPI job without hanging.
//  - Set-up steps that every rank performs (loading input, checking the output folder) run inside
//    agreed(): afterwards all ranks agree whether any failed and all stop together with a normal exit.
//    The error is printed once: by the lowest rank that failed.
//  - After set-up, an error on one rank is printed with its rank and the job is aborted (Comm::abort),
//    because the other ranks may already wait in a collective.
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "engine/comm.hpp"
#include "engine/error.hpp"

namespace megacycle {

// Thrown on every rank by agreed() when any rank failed.
class AgreedFailure : public std::exception {
 public:
  AgreedFailure(std::string message, int exit_code, bool report)
      : message_(std::move(message)), exit_code_(exit_code), report_(report) {}
  const char* what() const noexcept override { return message_.c_str(); }
  int exit_code() const { return exit_code_; }
  // Whether this rank should print the message (exactly one rank does).
  bool report() const { return report_; }

 private:
  std::string message_;
  int exit_code_;
  bool report_;
};

// Exit status for an error: 2 for bad input, 1 for anything else.
inline int exit_code_of(const std::exception& e) { return dynamic_cast<const InputError*>(&e) ? 2 : 1; }

template <class F>
void agreed(Comm& comm, F&& step) {
  std::string message;
  int code = 0;
  try {
    step();
  } catch (const std::exception& e) {
    message = e.what();
    code = exit_code_of(e);
  }
  const std::vector<int> codes = allgatherv<int>(comm, std::span<const int>(&code, 1));
  int first_failed = -1, first_code = 0;
  for (std::size_t r = 0; r < codes.size() && first_failed < 0; ++r)
    if (codes[r] != 0) first_failed = static_cast<int>(r), first_code = codes[r];
  if (first_failed < 0) return;
  throw AgreedFailure(message, first_code, first_failed == comm.rank());
}

}  // namespace megacycle
