-- ---- numbers from text -----------------------------------------------------
-- Both follow the original to the letter: model output is full of ranges,
-- item numbers and dates, and a package's thresholds were tuned against
-- these exact readings.

-- The first run of digits (no sign: "-3" reads 3, "7.9" reads 7), clamped
-- to 1..10 as an integer. A number goes through tostring first (7.5 reads 7,
-- 1e20 is "1e+20" and reads 1). Anything else, and text without digits,
-- gives the default (5 when absent or false).
function alc.parse_score(s, default)
  default = default or 5
  local t = type(s)
  if t == "number" then
    s = tostring(s)
  elseif t ~= "string" then
    return default
  end
  local n = tonumber(match(s, "%d+"))
  if n == nil then return default end
  if n < 1 then return 1 end
  if n > 10 then return 10 end
  return n
end

-- Without a pattern: tonumber of the first match of -?digits[.digits]
-- ("x-5" reads -5, ".5" reads 5, "1e5" reads 1, "7." reads 7.0). With a
-- pattern: tonumber of its first capture (of the whole match when it has
-- none); no match gives nil. Anything but a string, a number included,
-- gives nil.
function alc.parse_number(text, pattern)
  if type(text) ~= "string" then return nil end
  if pattern then return tonumber((match(text, pattern))) end
  return tonumber((match(text, "%-?%d+%.?%d*")))
end
