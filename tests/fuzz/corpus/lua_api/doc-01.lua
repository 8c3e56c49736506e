-- docs/lua-api.md example 1
local name = ctx.name or "world"
print("greeting", name)
return {greeting = "hello " .. name, numbers = {1, 2.0, 3}}
