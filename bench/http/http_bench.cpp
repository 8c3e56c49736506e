// Sessions answered through the HTTP responder by a local fake model that
// answers every request after a fixed delay: llm calls per second against
// the ideal min(in flight, concurrency limit) / delay, and the CPU time alc
// spends per request (the model runs in a child process, so getrusage of
// this process counts alc alone).
//
//   alc_http_bench [--quick] [--sessions 1000,10000] [--concurrency 256,1024]
//                  [--delay-ms 50] [--calls N] [--threads N]
//
// stdout: one JSON line per run, then a markdown table. The rate is taken
// over the steady part of a run: from the moment every session is spawned
// to the moment fewer sessions than the limit are left with calls to make.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "alc/alc.hpp"
#include "bench/bench_support.hpp"
#include "bench/http/fake_model.hpp"

using namespace alc_bench;
using clock_type = std::chrono::steady_clock;

namespace {

struct options {
  std::vector<std::size_t> sessions = {1000, 10000};
  std::vector<std::size_t> concurrency = {256, 1024};
  std::chrono::milliseconds delay{50};
  std::size_t calls_budget = 100000;  ///< llm calls per run, spread over its sessions
  int threads = 0;                    ///< scheduler.max-threads (0: alc's default)
  bool quick = false;
};

std::vector<std::size_t> number_list(const std::string& text) {
  std::vector<std::size_t> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) out.push_back(std::stoul(item));
  return out;
}

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "alc_http_bench: " << arg << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--quick") {
      o.quick = true;
      o.sessions = {100};
      o.concurrency = {32};
      o.delay = std::chrono::milliseconds{10};
      o.calls_budget = 1000;
    } else if (arg == "--sessions") {
      o.sessions = number_list(value());
    } else if (arg == "--concurrency") {
      o.concurrency = number_list(value());
    } else if (arg == "--delay-ms") {
      o.delay = std::chrono::milliseconds{std::stol(value())};
    } else if (arg == "--calls") {
      o.calls_budget = std::stoul(value());
    } else if (arg == "--threads") {
      o.threads = std::stoi(value());
    } else {
      std::cerr << "alc_http_bench: unknown argument " << arg << "\n";
      std::exit(2);
    }
  }
  return o;
}

/// Every session holds a connection while its call is in flight: allow them.
void raise_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

struct result {
  std::size_t sessions = 0;
  std::size_t concurrency = 0;
  std::size_t calls_per_session = 0;
  double rate = 0;   ///< llm calls per second, steady part
  double ideal = 0;  ///< min(sessions, concurrency) / delay
  double cpu_us_per_call = 0;
  double wall_s = 0;       ///< the whole run, spawning included
  std::size_t failed = 0;  ///< sessions that did not end done
};

result run(caf::actor_system& system, alc::runtime& rt, const options& o, std::size_t sessions,
           std::size_t concurrency, uint16_t port) {
  result r;
  r.sessions = sessions;
  r.concurrency = concurrency;
  r.calls_per_session = std::max<std::size_t>(2, o.calls_budget / sessions);
  r.ideal = static_cast<double>(std::min(sessions, concurrency)) /
            std::chrono::duration<double>(o.delay).count();
  alc::llm_endpoint endpoint;
  endpoint.base_url = "http://127.0.0.1:" + std::to_string(port) + "/v1";
  endpoint.model = "bench";
  endpoint.api_key_env = "ALC_BENCH_NO_KEY";
  endpoint.max_concurrency = concurrency;
  endpoint.timeout = std::chrono::seconds{60};
  auto responder = alc::llm_responder::start(system, rt.registry(), endpoint);
  if (!responder) {
    std::cerr << "alc_http_bench: " << alc::describe(responder.error()) << "\n";
    std::exit(1);
  }
  const std::string code = "for i = 1, " + std::to_string(r.calls_per_session) +
                           " do alc.llm('question ' .. i, {max_tokens = 8}) end return true";
  const std::size_t total = sessions * r.calls_per_session;
  const auto subscriber = caf::actor_cast<caf::actor>(responder->handle());
  const auto started = clock_type::now();
  std::vector<std::string> ids;
  ids.reserve(sessions);
  {
    caf::scoped_actor self{system};
    alc::session_spec spec;
    spec.kind = alc::run_spec{code};
    // Spawned with the responder subscribed from the start: no watch round trip.
    for (std::size_t i = 0; i < sessions; ++i) {
      self->request(rt.registry(), std::chrono::seconds{30}, alc::spawn_atom_v, spec, subscriber)
          .receive([&](std::string& id, alc::session_handle&) { ids.push_back(std::move(id)); },
                   [&](caf::error& error) {
                     std::cerr << "spawn: " << alc::describe(error) << "\n";
                     std::exit(1);
                   });
    }
  }
  // The steady part: from here until fewer sessions than the limit still call.
  auto stats = responder->stats();
  const auto window_start = clock_type::now();
  const double cpu_start = process_cpu_seconds();
  const uint64_t done_start = stats ? stats->done : 0;
  const uint64_t tail = std::min(sessions, concurrency);
  uint64_t done_end = done_start;
  auto window_end = window_start;
  double cpu_end = cpu_start;
  for (;;) {
    stats = responder->stats();
    if (!stats) break;
    if (stats->done + stats->failed + tail >= total) {
      window_end = clock_type::now();
      cpu_end = process_cpu_seconds();
      done_end = stats->done;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
  for (const auto& id : ids) {
    auto outcome = rt.client().await(id, std::chrono::seconds{120});
    if (!outcome || !std::holds_alternative<alc::done_state>(*outcome)) ++r.failed;
  }
  r.wall_s = std::chrono::duration<double>(clock_type::now() - started).count();
  const double window = std::chrono::duration<double>(window_end - window_start).count();
  const auto calls = static_cast<double>(done_end - done_start);
  if (window > 0 && calls > 0) {
    r.rate = calls / window;
    r.cpu_us_per_call = (cpu_end - cpu_start) / calls * 1e6;
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  const options o = parse(argc, argv);
  raise_file_limit();
  alc_bench::http::fake_model model(o.delay);  // forks: before any thread starts
  if (!model.ok()) {
    std::cerr << "alc_http_bench: cannot start the fake model\n";
    return 1;
  }
  caf::actor_system_config cfg;
  alc::configure(cfg);
  if (o.threads > 0) cfg.set("scheduler.max-threads", o.threads);
  caf::actor_system system{cfg};
  alc::runtime_options runtime_options;
  runtime_options.max_sessions = 0;
  alc::runtime rt{system, runtime_options};

  std::vector<result> results;
  for (const auto sessions : o.sessions) {
    for (const auto concurrency : o.concurrency) {
      const auto r = run(system, rt, o, sessions, concurrency, model.port());
      nlohmann::json line = {{"sessions", r.sessions},
                             {"concurrency", r.concurrency},
                             {"calls_per_session", r.calls_per_session},
                             {"delay_ms", o.delay.count()},
                             {"calls_per_s", r.rate},
                             {"ideal_per_s", r.ideal},
                             {"ratio", r.ideal > 0 ? r.rate / r.ideal : 0},
                             {"cpu_us_per_call", r.cpu_us_per_call},
                             {"wall_s", r.wall_s},
                             {"failed_sessions", r.failed}};
      std::cout << line.dump() << std::endl;
      results.push_back(r);
    }
  }
  std::printf("\n| sessions | limit | calls/s | ideal | ratio | CPU µs/call | failed |\n");
  std::printf("|---:|---:|---:|---:|---:|---:|---:|\n");
  int status = 0;
  for (const auto& r : results) {
    std::printf("| %zu | %zu | %.0f | %.0f | %.2f | %.1f | %zu |\n", r.sessions, r.concurrency,
                r.rate, r.ideal, r.ideal > 0 ? r.rate / r.ideal : 0, r.cpu_us_per_call, r.failed);
    if (r.failed > 0) status = 1;  // sessions must end done; speed is reported, not asserted
  }
  return status;
}
