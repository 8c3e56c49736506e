-- docs/lua-api.md example 9
local cot = require("cot")
local direct = cot.run({task = "2 + 2?", steps = 1})
local results = alc.fork({"cot", "sc_vote"}, {task = "2 + 2?", steps = 1, samples = 3})
return {direct = direct.answer,
        forked = {results[1].strategy, results[1].ok, results[2].result.answer}}
