#include "bench/bench_support.hpp"

#include <dlfcn.h>
#include <malloc.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace alc_bench {

std::optional<percentiles> summarize(std::vector<float>& samples_us) {
  if (samples_us.empty()) return std::nullopt;
  auto at = [&](double q) {
    const auto n = samples_us.size();
    auto index = static_cast<std::size_t>(std::ceil(q * static_cast<double>(n))) - 1;
    index = std::min(index, n - 1);
    std::nth_element(samples_us.begin(), samples_us.begin() + static_cast<long>(index),
                     samples_us.end());
    return static_cast<double>(samples_us[index]);
  };
  percentiles p;
  p.count = samples_us.size();
  p.p50 = at(0.50);
  p.p90 = at(0.90);
  p.p99 = at(0.99);
  p.max = static_cast<double>(*std::max_element(samples_us.begin(), samples_us.end()));
  return p;
}

std::size_t rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t size = 0;
  std::size_t resident = 0;
  statm >> size >> resident;
  return resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

namespace {
// mimalloc's entry points, when the program is linked with it.
template <typename Function>
Function* mimalloc_function(const char* name) {
  return reinterpret_cast<Function*>(dlsym(RTLD_DEFAULT, name));
}
}  // namespace

std::string allocator_name() {
  if (auto* version = mimalloc_function<int()>("mi_version")) {
    const int v = version();
    return "mimalloc " + std::to_string(v / 100) + "." + std::to_string(v / 10 % 10) + "." +
           std::to_string(v % 10);
  }
  return "glibc malloc";
}

void release_free_memory() {
  if (auto* collect = mimalloc_function<void(bool)>("mi_collect")) collect(true);
  malloc_trim(0);
}

std::size_t meminfo_bytes(const char* field) {
  std::ifstream meminfo("/proc/meminfo");
  std::string line;
  const std::string prefix = std::string(field) + ":";
  while (std::getline(meminfo, line)) {
    if (line.compare(0, prefix.size(), prefix) == 0) {
      std::istringstream rest(line.substr(prefix.size()));
      std::size_t kib = 0;
      rest >> kib;
      return kib * 1024;
    }
  }
  return 0;
}

long proc_long(const char* path, long fallback) {
  std::ifstream file(path);
  long value = 0;
  if (file >> value) return value;
  return fallback;
}

double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

int online_cpus() {
  return std::max(1, static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN)));
}

void pin_to_cpus(int cpus) {
  cpu_set_t set;
  CPU_ZERO(&set);
  const int n = std::max(1, std::min(cpus, online_cpus()));
  for (int i = 0; i < n; ++i) CPU_SET(i, &set);
  sched_setaffinity(0, sizeof(set), &set);
}

progress_display::progress_display() : tty_(isatty(STDERR_FILENO) != 0) {
  thread_ = std::thread([this] { loop(); });
}

progress_display::~progress_display() {
  stop_ = true;
  thread_.join();
}

void progress_display::begin(std::string label, std::size_t total) {
  std::lock_guard<std::mutex> lock(mutex_);
  label_ = std::move(label);
  total_ = total;
  done = 0;
  ++run_index_;
  active_ = true;
  started_ = clock_type::now();
  if (!tty_) {
    std::fprintf(stderr, "[%d/%d] %s ...\n", run_index_, runs_total_, label_.c_str());
    std::fflush(stderr);
  }
}

void progress_display::relabel(std::string label, std::size_t total) {
  std::lock_guard<std::mutex> lock(mutex_);
  label_ = std::move(label);
  total_ = total;
}

void progress_display::end(const std::string& summary) {
  std::lock_guard<std::mutex> lock(mutex_);
  print_line(true, summary);
  active_ = false;
}

void progress_display::print_line(bool final_line, const std::string& summary) {
  const double seconds = std::chrono::duration<double>(clock_type::now() - started_).count();
  const std::size_t n = done.load();
  char counts[96];
  if (total_ > 0) {
    std::snprintf(counts, sizeof counts, "%zu/%zu (%.0f/s)", n, total_,
                  seconds > 0 ? static_cast<double>(n) / seconds : 0.0);
  } else {
    counts[0] = '\0';
  }
  if (tty_) {
    std::fprintf(stderr, "\r\033[K[%d/%d] %s %s %.1fs%s%s", run_index_, runs_total_, label_.c_str(),
                 counts, seconds, final_line ? "  " : "", final_line ? summary.c_str() : "");
    if (final_line) std::fprintf(stderr, "\n");
  } else if (final_line) {
    std::fprintf(stderr, "[%d/%d] %s %.1fs  %s\n", run_index_, runs_total_, label_.c_str(), seconds,
                 summary.c_str());
  }
  std::fflush(stderr);
}

void progress_display::loop() {
  while (!stop_) {
    std::this_thread::sleep_for(std::chrono::milliseconds{200});
    std::lock_guard<std::mutex> lock(mutex_);
    if (active_ && tty_) print_line(false, {});
  }
}

progress_display& progress() {
  static progress_display display;
  return display;
}

}  // namespace alc_bench
