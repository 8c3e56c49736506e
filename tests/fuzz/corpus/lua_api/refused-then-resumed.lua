-- a coroutine whose host call is refused inside a gsub callback, then resumed (issue 13 class 2; guarded)
local first = alc.llm("answered")
local co = coroutine.create(function() return alc.llm("q") end)
pcall(string.gsub, "a", "a", function() coroutine.resume(co) end)
return {first, pcall(coroutine.resume, co)}
