-- reflect: draft, critique, revise. Up to `ctx.rounds` (default 2) critique
-- and revision rounds; stops early when the critic approves the draft.
--   ctx.task    what to write
--   ctx.rounds  maximum critique rounds (1..5)
-- Returns {answer = final draft, rounds = critiques used, approved = bool}.
local M = {}

function M.run(ctx)
  local task = assert(ctx.task, "reflect: ctx.task is required")
  local rounds = math.max(1, math.min(tonumber(ctx.rounds) or 2, 5))
  local draft = alc.llm("Write a first draft for: " .. task, {max_tokens = 500})
  for round = 1, rounds do
    local critique = alc.llm(alc.fmt(
        "Task: %s\nDraft:\n%s\nCritique the draft. End with APPROVED if it needs no change.",
        task, draft), {system = "You are a strict reviewer.", max_tokens = 300})
    if alc.match_bool(critique:match("(%w+)%s*$") or "") or critique:find("APPROVED", 1, true) then
      return {answer = draft, rounds = round, approved = true}
    end
    draft = alc.llm(alc.fmt("Task: %s\nDraft:\n%s\nCritique:\n%s\nRewrite the draft.",
                            task, draft, critique), {max_tokens = 500})
  end
  return {answer = draft, rounds = rounds, approved = false}
end

return M
