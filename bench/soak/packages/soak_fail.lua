-- A fork child of the soak test that fails; its parent reports it and goes on.
local M = {}

function M.run(ctx)
  error("soak child fails for " .. tostring(ctx.q))
end

return M
