-- rank: scores candidates and ranks them. Candidates come from
-- `ctx.candidates`, or are generated (`ctx.count`, default 4) for the task;
-- each is scored 1..10 in one batch, then sorted (ties keep input order).
--   ctx.task        what the candidates answer
--   ctx.candidates  optional list of strings
-- Returns {best = candidate, ranking = {{candidate=, score=} ...}}.
local M = {}

function M.run(ctx)
  local task = assert(ctx.task, "rank: ctx.task is required")
  local candidates = ctx.candidates
  if not candidates or #candidates == 0 then
    local count = math.max(2, math.min(tonumber(ctx.count) or 4, 10))
    local seeds = {}
    for i = 1, count do seeds[i] = i end
    candidates = alc.parallel(seeds, function(_, i)
      return alc.fmt("Propose answer #%d for: %s", i, task)
    end, {max_tokens = 200})
  end
  local scores = alc.parallel(candidates, function(candidate)
    return alc.fmt("Task: %s\nCandidate: %s\nScore it from 1 to 10. Reply with the number.",
                   task, candidate)
  end, {system = "You are a fair judge.", max_tokens = 10, post_fn = function(reply)
    return alc.parse_score(reply, 5)
  end})
  local ranking = {}
  for i, candidate in ipairs(candidates) do
    ranking[i] = {candidate = candidate, score = scores[i], order = i}
  end
  table.sort(ranking, function(a, b)
    if a.score ~= b.score then return a.score > b.score end
    return a.order < b.order
  end)
  for _, entry in ipairs(ranking) do entry.order = nil end
  return {best = ranking[1].candidate, ranking = ranking}
end

return M
