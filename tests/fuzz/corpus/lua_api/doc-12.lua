-- docs/lua-api.md example 12
local file, why_not = io.open("/etc/passwd")
local loaded, why = load("\27Lua binary", "x", "b")
return {file_refused = file == nil and why_not == "/etc/passwd: Permission denied",
        binary_refused = loaded == nil and why ~= nil}
