-- A fork child of the soak test: one question, asked through its parent's pause.
local M = {}

function M.run(ctx)
  return alc.llm("child " .. ctx.q)
end

return M
