-- docs/lua-api.md example 10
local doubled = alc.map({1, 2, 3}, function(x) return x * 2 end)
local evens = alc.filter({1, 2, 3, 4}, function(x) return x % 2 == 0 end)
local sum = alc.reduce({1, 2, 3}, function(acc, x) return acc + x end)
local tally = alc.vote({" yes", "no", "yes "})
local answers = alc.parallel({"a", "b"}, function(item) return "Say " .. item end,
                             {post_fn = function(reply, item) return item .. "=" .. reply end})
local cached1 = alc.cache("same question")
local cached2 = alc.cache("same question")
local data, raw = alc.llm_json("Reply in JSON with a field answer.")
return {
  doubled = doubled, evens = evens, sum = sum, winner = tally.winner, votes = tally.count,
  answers = answers, cache_hits = alc.cache_info().hits, from_json = data.answer,
  extracted = alc.json_extract('noise 