#include "cli/interrupt.hpp"

#include <signal.h>

#include <atomic>

namespace alc::cli {
namespace {

// A signal handler can only reach static storage; this flag is the one
// piece of process-wide state the CLI has, and only the handler sets it.
std::atomic<bool> interrupted{false};

void on_sigint(int) {
  interrupted.store(true);
}

}  // namespace

void install_interrupt_handler() {
  struct sigaction action {};
  action.sa_handler = on_sigint;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;
  sigaction(SIGINT, &action, nullptr);
}

bool take_interrupt() {
  return interrupted.exchange(false);
}

}  // namespace alc::cli
