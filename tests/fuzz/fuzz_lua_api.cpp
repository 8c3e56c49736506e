// The Lua API fuzzer: generated scripts (tests/fuzz/lua_api_script.*) call
// every function a script can reach — alc.*, the prelude, the standard
// libraries, require, metatables — with generated arguments in generated
// coroutine states, in a script_vm with a small memory cap and CPU limit.
// Host calls get generated answers (text, JSON of any shape, errors).
// An input that starts with "--" is run as it is: a hand-written script.
//
// Properties besides the sanitizers: the VM holds no more than its cap (and
// the documented headroom); query ids never repeat; every staged state or
// card call crosses CAF's wire and back unchanged; fork strategies are
// module names; a failure carries a message.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include "lua_bridge/budget_meter.hpp"
#include "lua_bridge/preemption_clock.hpp"
#include "lua_bridge/script_vm.hpp"
#include "messages/card_call_codec.hpp"
#include "messages/json_codec.hpp"
#include "messages/module_names.hpp"
#include "messages/state_call_codec.hpp"
#include "messages/wire.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "tests/fuzz/lua_api_script.hpp"
#include "tests/fuzz/vm_driver.hpp"

namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr std::size_t memory_limit = std::size_t{4} << 20;
// script_vm's room for an error report past the cap, and one pool block.
constexpr std::size_t memory_slack = (std::size_t{1} << 20) + (std::size_t{32} << 10);
constexpr int max_steps = 400;

const std::shared_ptr<alc::preemption_clock>& shared_clock() {
  static const auto clock = std::make_shared<alc::preemption_clock>(1ms);
  return clock;
}

const std::shared_ptr<const alc::environment_variables>& environment() {
  static const auto variables = std::make_shared<const alc::environment_variables>(
      alc::environment_variables{{"ALC_FUZZ", "1"}, {"ALC_SHAPE_CHECK", "1"}});
  return variables;
}

alc::vm_options options(FuzzedDataProvider& in) {
  alc::vm_options opts;
  opts.memory_limit = memory_limit;
  opts.cpu_limit = 250ms;
  opts.non_yieldable_grace = 50ms;
  opts.clock = shared_clock();
  opts.environment = environment();
  opts.state_namespace = "fuzz";
  opts.package_paths = {ALC_EXAMPLE_PACKAGES};
  opts.log = [](std::string_view, std::string_view) {};
  opts.progress = [](int64_t, int64_t, std::optional<std::string_view>) {};
  if (in.ConsumeIntegralInRange(0, 3) == 0) {
    alc::budget_limits limits;
    limits.max_llm_calls = in.ConsumeIntegralInRange<int64_t>(0, 4);
    if (in.ConsumeBool()) limits.max_tokens = in.ConsumeIntegralInRange<int64_t>(0, 2000);
    opts.budget = std::make_shared<alc::budget_meter>(limits);
  }
  return opts;
}

/// ALC_FUZZ_PRINT=1: print each script and how it ended (to see what the generator writes).
bool printing() {
  static const bool on = std::getenv("ALC_FUZZ_PRINT") != nullptr;
  return on;
}

/// The guards against known open findings that ALC_FUZZ_KNOWN_OPEN turns off.
const alc::fuzz::known_open_set& guards_off() {
  static const alc::fuzz::known_open_set off = [] {
    alc::fuzz::known_open_set names;
    const char* env = std::getenv("ALC_FUZZ_KNOWN_OPEN");
    const std::string list = env != nullptr ? env : "";
    if (list == "all") {
      for (const auto& name : alc::fuzz::known_open_names()) names.insert(name);
      return names;
    }
    std::size_t start = 0;
    while (start < list.size()) {
      const std::size_t comma = std::min(list.find(',', start), list.size());
      if (comma > start) names.insert(list.substr(start, comma - start));
      start = comma + 1;
    }
    return names;
  }();
  return off;
}

const std::string& guard_prelude() {
  static const std::string code = alc::fuzz::known_open_guards(guards_off());
  return code;
}

const alc::fuzz::function_catalogue& catalogue() {
  static const alc::fuzz::function_catalogue functions = [] {
    alc::vm_options opts;
    opts.package_paths = {ALC_EXAMPLE_PACKAGES};
    alc::vm_error error;
    auto vm = alc::script_vm::create(alc::fuzz::catalogue_script(), json::object(), opts, error);
    alc::fuzz::require(vm != nullptr, "the catalogue script does not compile", error.message);
    const auto outcome = alc::fuzz::run_to_end(
        *vm, [](alc::script_vm&, const alc::host_call&) {}, 100, 1s);
    alc::fuzz::require(outcome && std::holds_alternative<alc::step_done>(*outcome),
                       "the catalogue script failed",
                       outcome && std::holds_alternative<alc::step_failed>(*outcome)
                           ? std::get<alc::step_failed>(*outcome).message
                           : "");
    auto all = std::get<alc::step_done>(*outcome).value.get<alc::fuzz::function_catalogue>();
    return alc::fuzz::without_known_open(std::move(all), guards_off());
  }();
  return functions;
}

// ---- generated host answers --------------------------------------------------

const char* const replies[] = {
    "42",
    "yes",
    "no",
    "",
    "{\"answer\": 42}",
    "```json\n{\"answer\": 42, \"score\": 7}\n```",
    "[1, 2, 3]",
    "Score: 8/10",
    "positive",
    "null",
    "{\"a\": {\"b\": [1, {\"c\": null}]}}",
    "The answer is -3.5",
    "\xff\xfe not UTF-8",
    "{\"unterminated\": ",
};

json answer_json(FuzzedDataProvider& in, int depth) {
  switch (in.ConsumeIntegralInRange(0, depth > 3 ? 5 : 9)) {
    case 0:
      return nullptr;
    case 1:
      return in.ConsumeBool();
    case 2:
      return in.ConsumeIntegral<int64_t>();
    case 3:
      return in.ConsumeFloatingPoint<double>();
    case 4:
      return in.PickValueInArray(replies);
    case 5:
      return in.ConsumeRandomLengthString(16);
    case 6: {
      json out = json::array();
      const int count = in.ConsumeIntegralInRange(0, 4);
      for (int i = 0; i < count; ++i) out.push_back(answer_json(in, depth + 1));
      return out;
    }
    case 7: {  // nested past what lua_json pushes
      json out = json::array();
      for (int i = 0; i < 250; ++i) out = json::array({std::move(out)});
      return out;
    }
    default: {
      json out = json::object();
      const int count = in.ConsumeIntegralInRange(0, 4);
      static const char* const names[] = {"card_id",  "path",  "count", "ok",   "result", "error",
                                          "strategy", "value", "pkg",   "name", "1"};
      for (int i = 0; i < count; ++i) out[in.PickValueInArray(names)] = answer_json(in, depth + 1);
      return out;
    }
  }
}

std::string answer_text(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange(0, 5)) {
    case 0:
      return in.ConsumeRandomLengthString(64);
    case 1:
      return answer_json(in, 0).dump(-1, ' ', false, json::error_handler_t::replace);
    case 2:
      return std::string(in.ConsumeIntegralInRange<std::size_t>(0, 100'000), 'x');
    default:
      return in.PickValueInArray(replies);
  }
}

template <class Call>
void check_wire(const Call& call, const char* what) {
  const std::string text = alc::wire_text(call);
  Call back;
  const caf::error error = alc::wire_read(text, back);
  alc::fuzz::require(!error, what, "a staged call does not cross the wire: " + text);
  alc::fuzz::require(back == call, what, "the wire changed a staged call: " + text);
}

/// Answers each host call from the fuzz bytes and checks what was asked.
class host {
 public:
  explicit host(FuzzedDataProvider& in) : in_(in) {}

  void operator()(alc::script_vm& vm, const alc::host_call& call) {
    if (in_.ConsumeIntegralInRange(0, 15) == 0) return vm.answer_error(answer_text(in_));
    if (const auto* llm = std::get_if<alc::llm_call>(&call)) return answer(vm, *llm);
    if (const auto* state = std::get_if<alc::state_call>(&call)) {
      check_wire(*state, "state_call");
    } else if (const auto* card = std::get_if<alc::card_call>(&call)) {
      check_wire(*card, "card_call");
    } else {
      const auto& fork = std::get<alc::fork_call>(call);
      alc::fuzz::require(!fork.strategies.empty(), "fork_call", "no strategies");
      for (const auto& name : fork.strategies) {
        alc::fuzz::require(alc::invalid_module_name_reason(name) == nullptr, "fork_call",
                           "a strategy that is no module name: " + name);
      }
      alc::fuzz::require(fork.ctx.is_object(), "fork_call", "ctx is not an object");
    }
    vm.answer_value(answer_json(in_, 0));
  }

 private:
  void answer(alc::script_vm& vm, const alc::llm_call& call) {
    alc::fuzz::require(!call.queries.empty(), "llm_call", "no queries");
    for (const auto& query : call.queries) {
      alc::fuzz::require(ids_.insert(query.query_id).second, "llm_call",
                         "query id used twice: " + query.query_id);
      alc::fuzz::require(query.max_tokens >= 1 && query.max_tokens <= 0xFFFFFFFFll, "llm_call",
                         "max_tokens out of range: " + std::to_string(query.max_tokens));
    }
    // The pause reaches the host as JSON text (events, `state`).
    const alc::pause_info pause{call.kind, call.queries};
    const auto published =
        alc::from_json_text<alc::pause_info>(alc::to_json_text(alc::to_json_value(pause)));
    alc::fuzz::require(published.ok(), "llm_call", "the pause does not decode once published");
    if (call.queries.size() == 1 && in_.ConsumeBool())
      return vm.answer_llm_single(answer_text(in_));
    std::vector<std::string> responses;
    for (std::size_t i = 0; i < call.queries.size(); ++i) responses.push_back(answer_text(in_));
    vm.answer_llm(std::move(responses));
  }

  FuzzedDataProvider& in_;
  std::set<std::string> ids_;
};

void run_script(const std::string& script, FuzzedDataProvider& in) {
  const std::string code = guard_prelude() + script;
  alc::vm_error error;
  auto vm = alc::script_vm::create(code, json{{"task", "fuzz"}, {"n", 3}}, options(in), error);
  if (!vm) {
    alc::fuzz::require(!error.message.empty(), "create", "a refusal without a message");
    return;
  }
  host answers(in);
  for (int i = 0; i < max_steps; ++i) {
    alc::step_result result = vm->step(2ms);
    alc::fuzz::require(vm->memory_held() <= memory_limit + memory_slack, "memory cap",
                       std::to_string(vm->memory_held()) + " bytes held\n" + code);
    if (const auto* failed = std::get_if<alc::step_failed>(&result)) {
      alc::fuzz::require(!failed->message.empty(), "step_failed", "no message\n" + code);
      if (printing()) std::fprintf(stderr, "=> failed: %s\n", failed->message.c_str());
      return;
    }
    if (const auto* done = std::get_if<alc::step_done>(&result)) {
      if (printing()) std::fprintf(stderr, "=> done: %.300s\n", done->value.dump().c_str());
      return;
    }
    if (const auto* call = std::get_if<alc::step_host_call>(&result)) answers(*vm, *call->request);
  }
  // Still running: destroying it here is part of the contract too.
  if (printing()) std::fprintf(stderr, "=> still running after %d steps\n", max_steps);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const auto& functions = catalogue();
  if (printing()) {
    std::fprintf(stderr, "%zu reachable functions:\n", functions.size());
    for (const auto& f : functions) std::fprintf(stderr, "  %s\n", f.c_str());
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  if (size >= 2 && data[0] == '-' && data[1] == '-') {
    run_script(std::string(reinterpret_cast<const char*>(data), size), in);
    return 0;
  }
  const std::string code = alc::fuzz::script_writer(in, catalogue()).script();
  if (printing()) std::fprintf(stderr, "----\n%s", code.c_str());
  run_script(code, in);
  return 0;
}
