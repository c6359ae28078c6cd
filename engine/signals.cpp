#include "engine/signals.hpp"

#include <csignal>
#include <string>

namespace megacycle {
namespace {

volatile std::sig_atomic_t g_signal = 0;
bool g_installed = false;
struct sigaction g_old_term {
}, g_old_usr1{};

extern "C" void on_stop_signal(int signal) { g_signal = signal; }

}  // namespace

void install_stop_signals() {
  if (g_installed) return;
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // system calls (MPI's included) resume after the handler
  sigaction(SIGTERM, &action, &g_old_term);
  sigaction(SIGUSR1, &action, &g_old_usr1);
  g_installed = true;
}

void restore_stop_signals() {
  if (!g_installed) return;
  sigaction(SIGTERM, &g_old_term, nullptr);
  sigaction(SIGUSR1, &g_old_usr1, nullptr);
  g_installed = false;
}

int stop_signal() { return g_signal; }

void clear_stop_signal() { g_signal = 0; }

int stop_agreed(Comm& comm) { return static_cast<int>(comm.max(static_cast<double>(stop_signal()))); }

std::string signal_name(int signal) {
  if (signal == SIGTERM) return "SIGTERM";
  if (signal == SIGUSR1) return "SIGUSR1";
  if (signal == SIGINT) return "SIGINT";
  return "signal " + std::to_string(signal);
}

}  // namespace megacycle
