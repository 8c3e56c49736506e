#include "bench/soak/workloads.hpp"

#include <algorithm>
#include <numeric>
#include <variant>

namespace alc_bench::soak {
namespace {

using nlohmann::json;

alc::session_spec run_code(std::string code, json ctx = json::object()) {
  alc::session_spec spec;
  spec.kind = alc::run_spec{std::move(code)};
  spec.ctx = std::move(ctx);
  return spec;
}

json numbered(std::uint64_t n) {
  return json{{"n", n}};
}

std::string state_of(const alc::terminal_outcome& outcome) {
  return std::string(alc::state_name(outcome));
}

/// The done value, or why there is none.
std::string done_value(const alc::terminal_outcome& outcome, json& value) {
  const auto* done = std::get_if<alc::done_state>(&outcome);
  if (done == nullptr) {
    if (const auto* failed = std::get_if<alc::failed_state>(&outcome)) {
      return "expected done, got failed (" + std::string(alc::to_string(failed->kind)) +
             "): " + failed->message.substr(0, 200);
    }
    return "expected done, got " + state_of(outcome);
  }
  value = done->value;
  return {};
}

std::string expect_value(const alc::terminal_outcome& outcome, const json& expected) {
  json value;
  if (auto wrong = done_value(outcome, value); !wrong.empty()) return wrong;
  if (value != expected) return "expected the value " + expected.dump() + ", got " + value.dump();
  return {};
}

/// A failure of `kind` whose message holds `needle`.
std::string expect_failure(const alc::terminal_outcome& outcome, alc::failure_kind kind,
                           const std::string& needle) {
  const auto* failed = std::get_if<alc::failed_state>(&outcome);
  if (failed == nullptr) return "expected failed, got " + state_of(outcome);
  if (failed->kind != kind) {
    return "expected failure kind " + std::string(alc::to_string(kind)) + ", got " +
           std::string(alc::to_string(failed->kind)) + ": " + failed->message.substr(0, 200);
  }
  if (failed->message.find(needle) == std::string::npos) {
    return "the failure message lacks '" + needle + "': " + failed->message.substr(0, 200);
  }
  return {};
}

/// Cancelled by the driver (code user) while in `before` (running or paused).
template <class Before>
std::string expect_cancelled(const alc::terminal_outcome& outcome, const char* before) {
  const auto* cancelled = std::get_if<alc::cancelled_state>(&outcome);
  if (cancelled == nullptr) {
    std::string what = "expected cancelled, got " + state_of(outcome);
    if (const auto* failed = std::get_if<alc::failed_state>(&outcome)) {
      what += " (" + std::string(alc::to_string(failed->kind)) + ")";
    }
    return what;
  }
  if (cancelled->reason.code != alc::cancel_code::user) {
    return "cancelled with code " + std::string(alc::to_string(cancelled->reason.code));
  }
  if (!std::holds_alternative<Before>(cancelled->state_before)) {
    return std::string("expected to be cancelled while ") + before;
  }
  return {};
}

// ---- the workloads ---------------------------------------------------------------

alc::session_spec trivial_spec(std::uint64_t) {
  return run_code("return 1");
}
std::string trivial_check(const alc::terminal_outcome& o, std::uint64_t) {
  return expect_value(o, 1);
}

// One single call and one batch of two: each answer must reach its query.
alc::session_spec llm_spec(std::uint64_t n) {
  return run_code(
      "local a = alc.llm('a' .. ctx.n)\n"
      "local b = alc.llm_batch({{prompt = 'b' .. ctx.n}, {prompt = 'c'}})\n"
      "return a .. '|' .. b[1] .. '|' .. b[2]",
      numbered(n));
}
std::string llm_check(const alc::terminal_outcome& o, std::uint64_t n) {
  const std::string k = std::to_string(n);
  return expect_value(o, answer_to("a" + k) + "|" + answer_to("b" + k) + "|" + answer_to("c"));
}

alc::session_spec error_spec(std::uint64_t n) {
  return run_code("error('soak error ' .. ctx.n)", numbered(n));
}
std::string error_check(const alc::terminal_outcome& o, std::uint64_t n) {
  return expect_failure(o, alc::failure_kind::lua_error, "soak error " + std::to_string(n));
}

alc::session_spec runtime_error_spec(std::uint64_t) {
  return run_code("local t = nil\nreturn t.x");
}
std::string runtime_error_check(const alc::terminal_outcome& o, std::uint64_t) {
  return expect_failure(o, alc::failure_kind::lua_error, "attempt to index a nil value");
}

alc::session_spec compile_error_spec(std::uint64_t) {
  return run_code("return +");
}
std::string compile_error_check(const alc::terminal_outcome& o, std::uint64_t) {
  return expect_failure(o, alc::failure_kind::lua_error, "unexpected symbol");
}

// Grows a table of 64 KiB strings until the cap (the runtime's memory limit)
// ends it: many allocations, the collector running between them.
alc::session_spec memory_many_spec(std::uint64_t) {
  return run_code("local t = {}\nfor i = 1, 1e9 do t[i] = ('x'):rep(65536) .. i end");
}
// One allocation far above the cap.
alc::session_spec memory_one_spec(std::uint64_t) {
  return run_code("return ('x'):rep(1 << 30)");
}
std::string memory_check(const alc::terminal_outcome& o, std::uint64_t) {
  return expect_failure(o, alc::failure_kind::memory_limit, "memory_limit");
}

alc::session_spec cpu_spec(std::uint64_t) {
  return run_code("local n = 0\nwhile true do n = n + 1 end");
}
std::string cpu_check(const alc::terminal_outcome& o, std::uint64_t) {
  return expect_failure(o, alc::failure_kind::cpu_limit, "cpu_limit");
}

alc::session_spec cancel_paused_spec(std::uint64_t) {
  return run_code(std::string("alc.llm('") + hold_prompt + "')\nreturn 'not cancelled'");
}
std::string cancel_paused_check(const alc::terminal_outcome& o, std::uint64_t) {
  return expect_cancelled<alc::paused_state>(o, "paused");
}

alc::session_spec cancel_running_spec(std::uint64_t) {
  return run_code(std::string("alc.log('info', '") + spin_message +
                  "')\nlocal n = 0\nwhile true do n = n + 1 end");
}
// The script spins until something ends it: the driver's cancel, or the CPU
// limit when the cancel is slower than that (a loaded machine). Both are
// right; the table counts which it was.
std::string cancel_running_check(const alc::terminal_outcome& o, std::uint64_t) {
  if (expect_failure(o, alc::failure_kind::cpu_limit, "cpu_limit").empty()) return {};
  return expect_cancelled<alc::running_state>(o, "running");
}

// A counter per namespace: the driver checks at the end that no increment was lost.
alc::session_spec state_spec(std::uint64_t n) {
  json ctx = numbered(n);
  ctx["_ns"] = state_namespace_of(n);
  return run_code(
      "local v = alc.state.incr('hits')\n"
      "alc.state.set('last', ctx.n)\n"
      "return v",
      std::move(ctx));
}
std::string state_check(const alc::terminal_outcome& o, std::uint64_t) {
  json value;
  if (auto wrong = done_value(o, value); !wrong.empty()) return wrong;
  if (!value.is_number_integer() || value.get<int64_t>() < 1) {
    return "expected a count >= 1, got " + value.dump();
  }
  return {};
}

// Two children: one asks a question (through this session's pause), one fails.
alc::session_spec fork_spec(std::uint64_t n) {
  return run_code(std::string("local r = alc.fork({'") + fork_child_ok + "', '" + fork_child_fails +
                      "'}, {q = ctx.n})\n"
                      "return {r[1].ok, r[1].result, r[2].ok, r[2].strategy}",
                  numbered(n));
}
std::string fork_check(const alc::terminal_outcome& o, std::uint64_t n) {
  return expect_value(
      o, json::array({true, answer_to("child " + std::to_string(n)), false, fork_child_fails}));
}

const std::vector<workload> the_mix = {
    {"trivial", 4199, trivial_spec, trivial_check},
    {"llm", 2000, llm_spec, llm_check},
    {state_workload, 1000, state_spec, state_check},
    {"fork", 500, fork_spec, fork_check},
    {"error", 500, error_spec, error_check},
    {"runtime_error", 500, runtime_error_spec, runtime_error_check},
    {"compile_error", 500, compile_error_spec, compile_error_check},
    {"cancel_paused", 500, cancel_paused_spec, cancel_paused_check},
    {"cancel_running", 100, cancel_running_spec, cancel_running_check},
    {"memory_one", 100, memory_one_spec, memory_check},
    {"memory_many", 100, memory_many_spec, memory_check},
    {"cpu_limit", 1, cpu_spec, cpu_check},
};

/// The slots of a block, each workload `weight` times in a row; the mix
/// then visits them out of order.
std::vector<std::size_t> block_of(const std::vector<std::size_t>& chosen) {
  std::vector<std::size_t> block;
  for (const std::size_t w : chosen) block.insert(block.end(), the_mix[w].weight, w);
  return block;
}

/// A step prime to `size`, about 0.619 of it, so that consecutive sessions
/// read slots far apart and each workload's slots are spread through the block.
std::size_t spreading_step(std::size_t size) {
  std::size_t step = size * 619 / 1000;
  while (step > 1 && std::gcd(step, size) != 1) --step;
  return std::max<std::size_t>(step, 1);
}

}  // namespace

std::string answer_to(const std::string& prompt) {
  return "re:" + prompt;
}

const std::vector<workload>& workloads() {
  return the_mix;
}

mix::mix(const std::vector<std::string>& only) {
  std::vector<std::size_t> chosen;
  for (std::size_t w = 0; w < the_mix.size(); ++w) {
    if (only.empty() || std::find(only.begin(), only.end(), the_mix[w].name) != only.end()) {
      chosen.push_back(w);
    }
  }
  for (const auto& name : only) {
    const auto known = std::find_if(the_mix.begin(), the_mix.end(),
                                    [&](const workload& w) { return name == w.name; });
    if (known == the_mix.end()) unknown_.push_back(name);
  }
  const std::vector<std::size_t> block = block_of(chosen);
  const std::size_t step = spreading_step(block.size());
  slots_.reserve(block.size());
  for (std::size_t p = 0; p < block.size(); ++p) slots_.push_back(block[p * step % block.size()]);
}

std::size_t mix::workload_of(std::uint64_t n) const {
  return slots_[n % slots_.size()];
}

std::string state_namespace_of(std::uint64_t n) {
  return "soak-" + std::to_string(n % state_namespaces);
}

std::string outcome_key(const alc::terminal_outcome& outcome) {
  if (const auto* failed = std::get_if<alc::failed_state>(&outcome)) {
    return "failed:" + std::string(alc::to_string(failed->kind));
  }
  if (const auto* cancelled = std::get_if<alc::cancelled_state>(&outcome)) {
    return std::holds_alternative<alc::paused_state>(cancelled->state_before) ? "cancelled:paused"
                                                                              : "cancelled:running";
  }
  return "done";
}

}  // namespace alc_bench::soak
