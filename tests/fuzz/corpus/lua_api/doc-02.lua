-- docs/lua-api.md example 2
local one = alc.llm("What is 6 x 7?", {system = "Answer with a number.", max_tokens = 8})
local many = alc.llm_batch({{prompt = "6 x 7?"}, {prompt = "7 x 6?", role = "checker"}})
local inner = coroutine.wrap(function() return alc.llm("asked from a coroutine") end)()
local ok, err = pcall(alc.llm_batch, {})
return {one = one, many = many, inner = inner, empty_batch_error = not ok}
