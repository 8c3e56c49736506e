-- sc_vote: self-consistency. Samples `ctx.samples` (default 5) independent
-- answers in one batch and returns the majority after trimming.
--   ctx.task     the question
--   ctx.samples  number of samples (1..20)
-- Returns {answer = winner, votes = count, total = samples, answers = {...}}.
local M = {}

function M.run(ctx)
  local task = assert(ctx.task, "sc_vote: ctx.task is required")
  local samples = math.max(1, math.min(tonumber(ctx.samples) or 5, 20))
  local items = {}
  for i = 1, samples do items[i] = i end
  local answers = alc.parallel(items, function(_, i)
    return alc.fmt("Question: %s\nAnswer in a few words (sample %d).", task, i)
  end, {system = "Answer concisely.", max_tokens = 100})
  local tally = alc.vote(answers)
  return {answer = tally.winner, votes = tally.count, total = tally.total, answers = answers}
end

return M
