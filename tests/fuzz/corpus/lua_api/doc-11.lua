-- docs/lua-api.md example 11
local out = alc.pipe({
  function(c) c.result = "draft for " .. c.task return c end,
  function(c) c.result = c.task .. ", reviewed" return c end,
}, {task = "a memo"})
return {result = out.result, stages = #out.pipe_history}
