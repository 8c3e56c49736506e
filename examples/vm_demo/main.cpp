// A tour of one alc VM without actors: a small reasoning script pauses for
// each LLM call, a canned responder answers, and a spinning script is
// preempted and stopped by its CPU limit. (The REPL will replace this demo.)
#include <chrono>
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "lua_bridge/chunk_cache.hpp"
#include "lua_bridge/preemption_clock.hpp"
#include "lua_bridge/script_vm.hpp"

namespace {

constexpr const char* reasoning_script = R"lua(
-- chain of thought in three steps, then a vote over two answers
alc.log.info("task: " .. ctx.task)
local steps = {}
for i = 1, 3 do
  steps[i] = alc.llm("Step " .. i .. " towards: " .. ctx.task, {max_tokens = 200})
end
local finals = alc.llm_batch({
  {prompt = "Answer from steps: " .. table.concat(steps, " | ")},
  {prompt = "Answer again, independently: " .. ctx.task, system = "be brief"},
})
print("collected", #steps, "steps and", #finals, "answers")
return {task = ctx.task, steps = steps, answers = finals}
)lua";

std::string canned_answer(const alc::llm_query& query) {
  return "[answer to " + query.query_id + ": " + query.prompt.substr(0, 24) + "...]";
}

void run(alc::script_vm& vm) {
  using namespace std::chrono_literals;
  int preemptions = 0;
  for (;;) {
    auto result = vm.step(10ms);
    if (std::holds_alternative<alc::step_preempted>(result)) {
      ++preemptions;
      continue;
    }
    if (const auto* call = std::get_if<alc::step_host_call>(&result)) {
      const auto& llm = std::get<alc::llm_call>(*call->request);
      std::vector<std::string> answers;
      for (const auto& query : llm.queries) {
        std::printf("  paused: %s \"%s\"\n", query.query_id.c_str(), query.prompt.c_str());
        answers.push_back(canned_answer(query));
      }
      vm.answer_llm(std::move(answers));
      continue;
    }
    if (const auto* done = std::get_if<alc::step_done>(&result)) {
      std::printf("  done: %s\n", done->value.dump(2).c_str());
    } else if (const auto* failed = std::get_if<alc::step_failed>(&result)) {
      std::printf("  failed (%s) after %d preemptions: %s\n",
                  std::string(alc::to_string(failed->kind)).c_str(), preemptions,
                  failed->message.c_str());
    }
    return;
  }
}

}  // namespace

int main() {
  alc::vm_options options;
  options.chunks = std::make_shared<alc::chunk_cache>();
  options.clock = std::make_shared<alc::preemption_clock>();
  options.log = [](std::string_view level, std::string_view text) {
    std::printf("  log.%.*s: %.*s\n", static_cast<int>(level.size()), level.data(),
                static_cast<int>(text.size()), text.data());
  };

  std::printf("1. a reasoning script, answered by a canned responder\n");
  alc::vm_error error;
  auto vm =
      alc::script_vm::create(reasoning_script, {{"task", "why is the sky blue?"}}, options, error);
  if (!vm) {
    std::fprintf(stderr, "cannot start: %s\n", error.message.c_str());
    return 1;
  }
  run(*vm);

  std::printf("\n2. `while true do end` with a 200 ms CPU limit, preempted every 10 ms\n");
  options.cpu_limit = std::chrono::milliseconds{200};
  auto spinner =
      alc::script_vm::create("while true do end", nlohmann::json::object(), options, error);
  run(*spinner);
  return 0;
}
