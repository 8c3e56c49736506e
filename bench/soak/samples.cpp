#include "bench/soak/samples.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "bench/bench_support.hpp"

namespace alc_bench::soak {

std::string json_line(const sample& s) {
  nlohmann::json j = {{"kind", "sample"},
                      {"phase", s.phase},
                      {"sessions", s.sessions},
                      {"seconds", s.seconds},
                      {"rss_bytes", s.rss}};
  if (s.stats) {
    j["table"] = s.stats->live;  // sessions in the registry's table, ended ones included
    j["spawned"] = s.stats->spawned;
    j["evicted"] = s.stats->evicted;
    j["engine_failures"] = s.stats->engine_failures;
    j["rejected"] = s.stats->rejected;
  } else {
    j["stats"] = nullptr;
  }
  return j.dump();
}

sampler::sampler(const alc::client& client, const std::atomic<std::uint64_t>& closed,
                 std::uint64_t every)
    : client_(client),
      closed_(closed),
      every_(every == 0 ? 1 : every),
      started_(std::chrono::steady_clock::now()),
      thread_([this] { loop(); }) {}

sampler::~sampler() {
  stop();
}

std::vector<sample> sampler::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
    const std::uint64_t now = closed_.load(std::memory_order_relaxed);
    bool moved = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      moved = samples_.empty() || samples_.back().sessions != now;
    }
    if (moved) take("run");
  }
  std::lock_guard<std::mutex> lock(mutex_);
  return samples_;
}

sample sampler::take(const std::string& phase) {
  sample s;
  s.phase = phase;
  s.sessions = closed_.load(std::memory_order_relaxed);
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  s.rss = rss_bytes();
  if (auto stats = client_.stats()) s.stats = *stats;
  std::printf("%s\n", json_line(s).c_str());
  std::fflush(stdout);
  std::lock_guard<std::mutex> lock(mutex_);
  samples_.push_back(s);
  return s;
}

void sampler::loop() {
  take("run");
  std::uint64_t next_mark = every_;
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::milliseconds{5});
    if (stopping_) break;
    const std::uint64_t now = closed_.load(std::memory_order_relaxed);
    if (now < next_mark) continue;
    lock.unlock();
    take("run");
    next_mark = (now / every_ + 1) * every_;
    lock.lock();
  }
}

}  // namespace alc_bench::soak
