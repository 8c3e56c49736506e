#pragma once
// The Lua scripts of the session benchmark. alc, the raw Lua C API baseline
// and the thread-per-session baseline run exactly these texts; each provides
// `alc.llm(prompt [, opts])` (a pause answered with "ok") and a `ctx` table.

#include <string>

namespace alc_bench {

/// a. A trivial session.
inline const char* const trivial_script = "return 42";

/// b. `k` llm round trips.
inline std::string llm_trips_script(int k) {
  return "for i = 1, " + std::to_string(k) + " do alc.llm('question ' .. i) end\nreturn 'done'";
}

/// c. A 50-line strategy (plan, solve, check): string and table work around
/// three llm calls, returning a table. Uses only what every implementation
/// provides (the standard libraries, `ctx`, `alc.llm`).
inline const char* const strategy_script =
    R"lua(-- plan / solve / check: a 50-line strategy (session_bench workload c)
local task = ctx.task or "How many primes are there below 100?"
local max_steps = 4

local function trim(s)
  return (s:gsub("^%s+", ""):gsub("%s+$", ""))
end

local function split_lines(text)
  local lines = {}
  for line in (text .. "\n"):gmatch("(.-)\n") do
    line = trim(line)
    if #line > 0 then lines[#lines + 1] = line end
  end
  return lines
end

local function numbered(items)
  local out = {}
  for i, item in ipairs(items) do out[i] = string.format("%d. %s", i, item) end
  return table.concat(out, "\n")
end

local function overlap(answer, steps)
  local hits = 0
  for _, step in ipairs(steps) do
    for word in step:gmatch("%a+") do
      if answer:find(word, 1, true) then hits = hits + 1 end
    end
  end
  return hits / math.max(1, #steps)
end

local plan = alc.llm("Task: " .. task .. "\nList at most " .. max_steps ..
                     " short steps to solve it, one per line.")
local steps = split_lines(plan)
if #steps == 0 then steps = {"Think about the task."} end
while #steps > max_steps do table.remove(steps) end

local answer = trim(alc.llm(string.format("Task: %s\nPlan:\n%s\nFollow the plan and answer.",
                                          task, numbered(steps))))
local verdict = alc.llm(string.format("Task: %s\nAnswer: %s\nIs it correct? yes or no.",
                                      task, answer))
local approved = verdict:lower():find("yes", 1, true) ~= nil or verdict == "ok"
return {
  answer = answer,
  steps = steps,
  confidence = approved and 0.9 or 0.4,
  overlap = overlap(answer, steps),
}
)lua";
inline constexpr int strategy_llm_calls = 3;

/// e. A paused session: one call it waits in.
inline const char* const paused_script = "return alc.llm('hello')";

/// Resume latency probe: pauses forever.
inline const char* const endless_llm_script = "while true do alc.llm('question') end";

/// d. A spinner.
inline const char* const spinner_script = "while true do end";

}  // namespace alc_bench
