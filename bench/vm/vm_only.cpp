#include "bench/vm/vm_only.hpp"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <variant>
#include <vector>

#include "bench/bench_support.hpp"
#include "lua_bridge/chunk_cache.hpp"
#include "lua_bridge/preemption_clock.hpp"
#include "lua_bridge/script_vm.hpp"

namespace alc_bench {

vm_memory_result alc_vm_paused_memory(const std::string& code, std::size_t count) {
  alc::vm_options opts;
  opts.chunks = std::make_shared<alc::chunk_cache>();
  opts.clock = std::make_shared<alc::preemption_clock>();
  std::vector<std::unique_ptr<alc::script_vm>> held;
  held.reserve(count);
  release_free_memory();
  const std::size_t before = rss_bytes();
  vm_memory_result r;
  for (std::size_t i = 0; i < count; ++i) {
    alc::vm_error error;
    auto vm = alc::script_vm::create(code, nlohmann::json::object(), opts, error);
    if (!vm) {
      std::fprintf(stderr, "vm_only: %s\n", error.message.c_str());
      std::exit(1);
    }
    const auto result = vm->step(std::chrono::milliseconds{10});
    if (!std::holds_alternative<alc::step_host_call>(result)) {
      std::fprintf(stderr, "vm_only: the paused script did not pause\n");
      std::exit(1);
    }
    r.lua_bytes += vm->memory_used();
    held.push_back(std::move(vm));
    ++progress().done;
  }
  const std::size_t after = rss_bytes();
  r.held = held.size();
  r.rss_delta = after > before ? after - before : 0;
  return r;
}

}  // namespace alc_bench
