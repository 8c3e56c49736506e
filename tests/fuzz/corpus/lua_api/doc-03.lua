-- docs/lua-api.md example 3
local text = alc.json_encode({b = {1, 2}, a = "x"})
local back = alc.json_decode('{"n": null, "list": []}')
alc.log("warn", "levels: error, warn, info, debug")
alc.log.info("or by name")
alc.log("trace", {"any message goes through tostring"})
return {text = text, n_is_nil = back.n == nil, empty_list = back.list}
