-- docs/lua-api.md example 6
alc.progress(1, 2, "warming up")
alc.stats.record("tries", 3)
local answer = alc.llm("first")
local ok, err = pcall(alc.llm, "second")  -- ctx.budget allows one call
alc.progress(2, 2)
return {tries = alc.stats.get("tries"), calls = alc.stats.llm_calls(),
        now = alc.time() > 0, remaining = alc.budget_remaining(),
        refused = not ok, reason = err:match("budget_exceeded: [%w_]+"),
        can_go_on = alc.budget_check()}
