-- host calls from coroutine states: wrap, resume after a yield, pcall
local co = coroutine.create(function(x)
  local y = coroutine.yield(x + 1)
  return alc.llm("inner " .. tostring(y))
end)
local ok1, a = coroutine.resume(co, 1)
local ok2, b = coroutine.resume(co, "second")
local w = coroutine.wrap(function() return pcall(alc.llm_batch, {{prompt = "p"}, {prompt = 2}}) end)
return {ok1, a, ok2, b, w(), coroutine.status(co)}
