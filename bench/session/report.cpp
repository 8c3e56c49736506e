#include "bench/session/report.hpp"

#include <sys/utsname.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <utility>

#include <caf/config.hpp>
#include <lua.hpp>

#include "bench/baselines/thread_per_session.hpp"
#include "bench/bench_support.hpp"

namespace alc_bench {

using nlohmann::json;

figure_log::figure_log(const std::string& out_dir)
    : jsonl_(std::filesystem::path(out_dir) / "results.jsonl") {}

void figure_log::write(const json& line) {
  const std::string text = line.dump();
  std::printf("%s\n", text.c_str());
  std::fflush(stdout);
  jsonl_ << text << '\n';
  jsonl_.flush();
}

void figure_log::record(figure f) {
  write(to_json(f));
  figures_.push_back(std::move(f));
}

void figure_log::record(target t) {
  write(to_json(t));
  targets_.push_back(std::move(t));
}

void figure_log::record_machine(bool quick) {
  utsname u{};
  uname(&u);
  std::string cpu = "unknown";
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0) {
      cpu = line.substr(line.find(':') + 2);
      break;
    }
  }
  double load[3] = {0, 0, 0};
  getloadavg(load, 3);
  write({{"bench", "machine"},
         {"cpus", online_cpus()},
         {"cpu", cpu},
         {"mem_total_bytes", meminfo_bytes("MemTotal")},
         {"mem_available_bytes", meminfo_bytes("MemAvailable")},
         {"kernel", std::string(u.sysname) + " " + u.release},
         {"lua", LUA_RELEASE},
         {"caf", CAF_VERSION},
         {"compiler", __VERSION__},
         {"allocator", allocator_name()},
         {"thread_limit", tps_thread_limit()},
         {"loadavg_1m", load[0]},
         {"quick", quick}});
}

}  // namespace alc_bench
