#pragma once
// How a benchmark run ended. Every driver reports one; the report writes it
// as the `status` of the run's JSON line.

namespace alc_bench {

enum class run_status {
  ok,
  time_boxed,   ///< stopped by the time box: partial figures
  failed,       ///< could not be carried out (thread creation refused, a session failed ...)
  aborted,      ///< stopped on purpose (memory fell below the safety floor)
  skipped,      ///< not attempted: a prerequisite is missing
  unsupported,  ///< not attempted: the implementation cannot run it on this machine
};

inline const char* to_string(run_status s) {
  switch (s) {
    case run_status::ok:
      return "ok";
    case run_status::time_boxed:
      return "time-boxed";
    case run_status::failed:
      return "failed";
    case run_status::aborted:
      return "aborted";
    case run_status::skipped:
      return "skipped";
    case run_status::unsupported:
      return "unsupported";
  }
  return "unknown";
}

}  // namespace alc_bench
