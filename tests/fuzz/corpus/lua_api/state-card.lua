-- state and card calls with odd keys and values
alc.state.set("k", {nested = {1, 2, {x = true}}})
local n = alc.state.incr("counter", 2.5)
local keys = alc.state.keys()
local card = pcall(alc.card.create, {pkg = {name = "demo"}, params = {t = 0.2}})
return {alc.state.get("k"), n, keys, card, alc.state.get("missing", "d")}
