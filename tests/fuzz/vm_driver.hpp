#pragma once
// Runs one script_vm to its end for a fuzzer: steps it, answers each host
// call through `answer`, and gives up (returning nothing) after a bounded
// number of slices, so a fuzz input cannot run forever.

#include <chrono>
#include <optional>
#include <variant>

#include "lua_bridge/script_vm.hpp"

namespace alc::fuzz {

/// The end of a run: step_done or step_failed.
using vm_outcome = std::variant<step_done, step_failed>;

template <class Answer>
std::optional<vm_outcome> run_to_end(script_vm& vm, Answer answer, int max_steps,
                                     std::chrono::microseconds slice) {
  for (int i = 0; i < max_steps; ++i) {
    step_result result = vm.step(slice);
    if (auto* done = std::get_if<step_done>(&result)) return vm_outcome{std::move(*done)};
    if (auto* failed = std::get_if<step_failed>(&result)) return vm_outcome{std::move(*failed)};
    if (auto* call = std::get_if<step_host_call>(&result)) answer(vm, *call->request);
  }
  return std::nullopt;
}

}  // namespace alc::fuzz
