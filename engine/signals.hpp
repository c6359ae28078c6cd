#pragma once
// Stop requests from the batch system. Slurm sends SIGTERM at a job's time limit (and a chosen signal,
// e.g. SIGUSR1 with --signal, some time before it); mpirun forwards SIGUSR1 and SIGUSR2 to the ranks.
// install_stop_signals() makes SIGTERM and SIGUSR1 only set a flag (an async-signal-safe handler that
// touches nothing else). The run asks stop_agreed() once per quarter, a max-reduction over ranks, so all
// ranks decide together at the same quarter; they then write a checkpoint and exit with
// kExitStoppedAtCheckpoint. Model-agnostic.
#include <exception>
#include <string>
#include <utility>

#include "engine/comm.hpp"

namespace megacycle {

// Exit status of a run stopped at a checkpoint (resume it with `--resume OUT.checkpoint`).
inline constexpr int kExitStoppedAtCheckpoint = 3;

// Installs the handler for SIGTERM and SIGUSR1 (idempotent). Call before the work starts.
void install_stop_signals();
// Puts back the handlers that were there before install_stop_signals() (if any were installed).
void restore_stop_signals();
// The signal number received since install (0: none). Local to this rank.
int stop_signal();
// Clears the flag (tests).
void clear_stop_signal();
// Collective: the largest signal number any rank has received (0: none). One max-reduction.
int stop_agreed(Comm& comm);
// "SIGTERM", "SIGUSR1" or "signal N".
std::string signal_name(int signal);

// Thrown on every rank, together, once a stop was agreed and the checkpoint is written. main() prints
// the message once (rank 0) and exits with kExitStoppedAtCheckpoint.
class StoppedAtCheckpoint : public std::exception {
 public:
  explicit StoppedAtCheckpoint(std::string message) : message_(std::move(message)) {}
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
};

}  // namespace megacycle
