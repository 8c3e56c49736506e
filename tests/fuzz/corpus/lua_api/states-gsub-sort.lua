-- calls inside a gsub callback, a sort comparator and a metamethod
local s = string.gsub("abc", "%w", function(c) return alc.json_encode({c}) end)
local t = {3, 1, 2}
table.sort(t, function(a, b) alc.log("debug", a) return a < b end)
local mt = {__index = function(_, k) return alc.fmt("%s!", k) end}
local ok, err = pcall(function() return setmetatable({}, {__index = function() return alc.llm("x") end}).k end)
return {s, t, setmetatable({}, mt).key, ok, err}
