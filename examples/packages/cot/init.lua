-- cot: chain of thought. Asks for `ctx.steps` (default 3) reasoning steps,
-- each building on the ones before, then for a final answer grounded in them.
--   ctx.task   the question
--   ctx.steps  how many reasoning steps (1..10)
-- Returns {answer = string, steps = {string...}}.
local M = {}

function M.run(ctx)
  local task = assert(ctx.task, "cot: ctx.task is required")
  local count = math.max(1, math.min(tonumber(ctx.steps) or 3, 10))
  local steps = {}
  for i = 1, count do
    local so_far = #steps > 0 and ("\nSteps so far:\n" .. table.concat(steps, "\n")) or ""
    steps[i] = alc.llm(alc.fmt("Task: %s%s\nWrite reasoning step %d of %d, one short paragraph.",
                               task, so_far, i, count),
                       {system = "You reason carefully, one step at a time.", max_tokens = 300})
    alc.progress(i, count + 1, "step " .. i)
  end
  local answer = alc.llm(alc.fmt("Task: %s\nReasoning:\n%s\nGive the final answer only.",
                                 task, table.concat(steps, "\n")),
                         {max_tokens = 200})
  alc.progress(count + 1, count + 1, "answer")
  return {answer = answer, steps = steps}
end

return M
