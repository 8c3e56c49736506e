-- panel: a debate. Each of `ctx.panelists` (default three roles) answers,
-- then sees the others' positions and may revise, for `ctx.rounds` rounds
-- (default 1); a moderator summarises the outcome.
--   ctx.task       the question under debate
--   ctx.panelists  list of role names
--   ctx.rounds     rebuttal rounds (0..3)
-- Returns {answer = moderator summary, positions = {role = last position}}.
local M = {}

local function others(positions, me)
  local lines = {}
  for role, text in pairs(positions) do
    if role ~= me then lines[#lines + 1] = role .. ": " .. text end
  end
  table.sort(lines)
  return table.concat(lines, "\n")
end

function M.run(ctx)
  local task = assert(ctx.task, "panel: ctx.task is required")
  local roles = ctx.panelists or {"optimist", "skeptic", "pragmatist"}
  local rounds = math.max(0, math.min(tonumber(ctx.rounds) or 1, 3))
  local opening = alc.llm_batch(alc.map(roles, function(role)
    return {prompt = "Question: " .. task .. "\nGive your opening position.",
            system = "You are the " .. role .. " on a panel.", role = role, max_tokens = 250}
  end))
  local positions = {}
  for i, role in ipairs(roles) do positions[role] = opening[i] end
  for _ = 1, rounds do
    local revised = alc.llm_batch(alc.map(roles, function(role)
      return {prompt = alc.fmt("Question: %s\nYour position: %s\nOthers:\n%s\nRevise or defend it.",
                               task, positions[role], others(positions, role)),
              system = "You are the " .. role .. " on a panel.", role = role, max_tokens = 250}
    end))
    for i, role in ipairs(roles) do positions[role] = revised[i] end
  end
  local summary = alc.llm("Question: " .. task .. "\nPositions:\n" .. others(positions, nil) ..
                          "\nAs moderator, state the panel's conclusion.", {max_tokens = 300})
  return {answer = summary, positions = positions}
end

return M
