-- ---- formatting ------------------------------------------------------------

local INT_CONV = { d = true, i = true, u = true, o = true, x = true, X = true, c = true }
local FLOAT_CONV = { f = true, e = true, E = true, g = true, G = true, a = true, A = true }

-- Width and the '-' flag applied to text that string.format cannot take.
local function pad(flags, width, text)
  local w = tonumber(width)
  if w ~= nil and #text < w then
    if find(flags, "-", 1, true) then return text .. rep(" ", w - #text) end
    return rep(" ", w - #text) .. text
  end
  return text
end

-- Float conversions print C's spelling; integer conversions print the
-- original's "NaN" / "Inf" / "-Inf".
local function nonfinite_text(flags, conv, v)
  if INT_CONV[conv] then
    if v ~= v then return "NaN" end
    return v < 0 and "-Inf" or "Inf"
  end
  if v ~= v then return "nan" end
  if v < 0 then return "-inf" end
  if find(flags, "+", 1, true) then return "+inf" end
  return "inf"
end

local function round_half_away(v)
  if v >= 0 then
    local f = floor(v)
    if v - f >= 0.5 then f = f + 1 end
    return f
  end
  local c = ceil(v)
  if c - v >= 0.5 then c = c - 1 end
  return c
end

-- One conversion: never raises.
local function convert(flags, width, precision, conv, v)
  local spec = "%" .. flags .. width .. precision .. conv
  if conv == "s" then
    local text
    if v == nil then
      text = "<nil>"
    else
      text = type(v) == "string" and v or safe_tostring(v)
    end
    if spec == "%s" then return text end
    local ok, out = pcall(format, spec, text)
    return ok and out or pad(flags, width, text)
  elseif conv == "q" or conv == "p" then
    local ok, out = pcall(format, spec, v)
    return ok and out or pad(flags, width, safe_tostring(v))
  end
  if v == nil then return pad(flags, width, "<nil>") end
  if type(v) == "string" then v = tonumber(v) or v end
  if type(v) ~= "number" then return pad(flags, width, safe_tostring(v)) end
  if v ~= v or v == huge or v == -huge then
    return pad(flags, width, nonfinite_text(flags, conv, v))
  end
  if INT_CONV[conv] and mtype(v) == "float" then
    local r = round_half_away(v)
    v = tointeger(r)
    if v == nil then  -- beyond the integer range
      if conv == "d" or conv == "i" then
        local ok, out = pcall(format, "%" .. flags .. width .. ".0f", r)
        if ok then return out end
      end
      return pad(flags, width, safe_tostring(r))
    end
  end
  local ok, out = pcall(format, spec, v)
  return ok and out or pad(flags, width, safe_tostring(v))
end

-- A string.format that never raises:
-- * nil (also a missing argument, where the original raises) prints
--   "<nil>": %s formats it as that text (width and precision apply), other
--   conversions pad it to the width; %q prints nil as "nil";
-- * NaN / inf / -inf print "NaN" / "Inf" / "-Inf" for the integer
--   conversions (as the original) and "nan" / "inf" / "-inf" for the float
--   ones (C's spelling, without the platform's "-nan");
-- * integer conversions (%d %i %u %o %x %X %c) round a float half away from
--   zero (2.5 -> 3, -2.5 -> -3), reading the exact value (0.49999999999999994
--   -> 0, where the original's floor(v + 0.5) gives 1); numeric strings are
--   converted;
-- * a value a conversion cannot take (a table for %d) prints via tostring;
-- * %p takes an argument and prints its address, as string.format does;
-- * an unknown conversion ("%y", "%F", a lone "%") is copied as is and takes
--   no argument; extra arguments are ignored; a non-string fmt is
--   tostring'ed (nil: "").
local function fmt(f, ...)
  if type(f) ~= "string" then f = (f == nil) and "" or safe_tostring(f) end
  if not find(f, "%", 1, true) then return f end
  local n = select("#", ...)
  local args = { ... }
  local out, o, pos, argi = {}, 0, 1, 0
  while true do
    local p = find(f, "%", pos, true)
    if p == nil then
      o = o + 1
      out[o] = sub(f, pos)
      break
    end
    if p > pos then
      o = o + 1
      out[o] = sub(f, pos, p - 1)
    end
    if byte(f, p + 1) == 37 then  -- "%%"
      o = o + 1
      out[o] = "%"
      pos = p + 2
    else
      local _, e, flags, width, precision, conv = find(f, "^([-+ #0]*)(%d*)(%.?%d*)(%a?)", p + 1)
      o = o + 1
      if INT_CONV[conv] or FLOAT_CONV[conv] or conv == "s" or conv == "q" or conv == "p" then
        argi = argi + 1
        local v
        if argi <= n then v = args[argi] end
        out[o] = convert(flags, width, precision, conv, v)
      else
        out[o] = sub(f, p, e)
      end
      pos = e + 1
    end
  end
  return concat(out, "", 1, o)
end
alc.fmt = fmt

function alc.log_fmt(level, f, ...)
  return alc.log(level, fmt(f, ...))
end

