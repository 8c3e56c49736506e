-- docs/lua-api.md example 4
alc.state.set("visits", 0)
alc.state.incr("visits")
alc.state.incr("visits", 10)
local first = alc.state.set_nx("first_seen", os.time())
local again = alc.state.set_nx("first_seen", 0)
local doubled = alc.state.update("visits", function(v) return v * 2 end)
local keys = alc.state.keys()
table.sort(keys)
return {visits = alc.state.get("visits"), missing = alc.state.get("nope", "default"),
        first = first, again = again, doubled = doubled, keys = keys,
        deleted = alc.state.delete("first_seen"), has = alc.state.has("first_seen")}
