-- ---- numbers from text -----------------------------------------------------

-- A '-' or '+' right before the digits is a sign unless it follows a letter
-- or digit ("x-5", "3-5" are ranges or names, not negative numbers).
local function signed_start(s, a)
  if a > 1 then
    local c = byte(s, a - 1)
    if (c == 45 or c == 43) and (a == 2 or not find(s, "^[%w]", a - 2)) then return a - 1 end
  end
  return a
end

-- The first number in s: [sign] digits [. digits] | [sign] . digits, with an
-- optional exponent (e5, E-3). "3." reads as 3; "1.2.3" as 1.2.
local function first_number(s)
  local init = 1
  while true do
    local a = find(s, "[%d%.]", init)
    if a == nil then return nil end
    local e
    if byte(s, a) == 46 then  -- '.'
      local _, stop = find(s, "^%.%d+", a)
      e = stop
    else
      local _, stop = find(s, "^%d+", a)
      local _, frac = find(s, "^%.%d+", stop + 1)
      e = frac or stop
    end
    if e ~= nil then
      local _, exp = find(s, "^[eE][%+%-]?%d+", e + 1)
      return tonumber(sub(s, signed_start(s, a), exp or e))
    end
    init = a + 1
  end
end

-- The first integer (sign as in parse_number; "7.5" reads 7), clamped to
-- 1..10; a number argument is truncated toward zero. Otherwise default
-- (5 when absent), returned as given.
function alc.parse_score(s, default)
  if default == nil then default = 5 end
  local n
  if type(s) == "number" then
    if s ~= s then return default end
    n = s
  elseif type(s) == "string" then
    local a, e = find(s, "%d+")
    if a == nil then return default end
    n = tonumber(sub(s, signed_start(s, a), e))
  else
    return default
  end
  if n < 1 then return 1 end
  if n > 10 then return 10 end
  return tointeger(n) or (n >= 0 and floor(n) or ceil(n))
end

-- With a pattern: tonumber of its first capture (of the whole match when it
-- has no capture); no match or a capture tonumber rejects gives nil. A
-- number argument is returned as is; other non-strings give nil.
function alc.parse_number(text, pattern)
  if type(text) == "number" then return text end
  if type(text) ~= "string" then return nil end
  if pattern ~= nil then
    local cap = match(text, pattern)
    if cap == nil then return nil end
    return tonumber(cap)
  end
  return first_number(text)
end

