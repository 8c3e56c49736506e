-- to-be-closed variables, coroutine.close, errors with tables
local log = {}
do
  local c <close> = setmetatable({}, {__close = function() log[#log + 1] = "closed" end})
end
local co = coroutine.create(function()
  local c <close> = setmetatable({}, {__close = function() log[#log + 1] = "by close" end})
  coroutine.yield()
end)
coroutine.resume(co)
log[#log + 1] = tostring(coroutine.close(co))
log[#log + 1] = select(2, pcall(error, {code = 1})).code
return log
