-- The alc prelude (Layer 1 of lua-api.md): helpers written in Lua on top of
-- the C primitives. Compiled once per process and run lazily, the first time
-- a script looks up a name the C library does not have.
local alc = ...

-- Everything below only defines functions: the top level stays cheap. The C
-- primitives (alc.llm, alc.llm_batch, alc.log, ...) are looked up at call
-- time, so a script that replaces one (a mock, a wrapper) is honoured.
-- Argument errors are raised at level 2: they point at the caller's line.

local type, pairs, ipairs, select, tostring, tonumber = type, pairs, ipairs, select, tostring, tonumber
local pcall, error, rawequal, next = pcall, error, rawequal, next
local getmetatable, setmetatable = getmetatable, setmetatable
local find, sub, byte, format = string.find, string.sub, string.byte, string.format
local lower, gsub, match, gmatch, rep = string.lower, string.gsub, string.match, string.gmatch, string.rep
local concat = table.concat
local floor, ceil, huge, tointeger, mtype = math.floor, math.ceil, math.huge, math.tointeger, math.type

local function check_table(who, what, v)
  if type(v) ~= "table" then
    error(format("%s: %s must be a table, got %s", who, what, type(v)), 3)
  end
end

local function check_function(who, what, v)
  if type(v) ~= "function" then
    error(format("%s: %s must be a function, got %s", who, what, type(v)), 3)
  end
end

-- opts may be nil or a table.
local function check_opts(who, opts)
  if opts ~= nil and type(opts) ~= "table" then
    error(format("%s: opts must be a table, got %s", who, type(opts)), 3)
  end
end

local function shallow_copy(t)
  local out = {}
  if t ~= nil then
    for k, v in pairs(t) do out[k] = v end
  end
  return out
end

local function trim(s)
  return (gsub(gsub(s, "^%s+", ""), "%s+$", ""))
end

-- tostring that never raises (a failing __tostring gives "<table>").
local function safe_tostring(v)
  local ok, s = pcall(tostring, v)
  if ok and type(s) == "string" then return s end
  return "<" .. type(v) .. ">"
end

-- ---- collections -----------------------------------------------------------
-- Items are walked like ipairs: from 1 up to the first nil.

-- Results keep their positions: a nil from fn leaves a hole at that index.
function alc.map(items, fn)
  check_table("alc.map", "items", items)
  check_function("alc.map", "fn", fn)
  local out = {}
  for i, item in ipairs(items) do out[i] = fn(item, i) end
  return out
end

function alc.filter(items, fn)
  check_table("alc.filter", "items", items)
  check_function("alc.filter", "fn", fn)
  local out, n = {}, 0
  for i, item in ipairs(items) do
    if fn(item, i) then
      n = n + 1
      out[n] = item
    end
  end
  return out
end

-- Without init (nil counts as absent, as everywhere in Lua) the fold starts
-- with acc = items[1] at index 2; an empty list then gives nil. With init it
-- starts at index 1, and an empty list gives init.
function alc.reduce(items, fn, init)
  check_table("alc.reduce", "items", items)
  check_function("alc.reduce", "fn", fn)
  local acc, i = init, 1
  if acc == nil then
    acc, i = items[1], 2
  end
  local item = items[i]
  while item ~= nil do
    acc = fn(acc, item, i)
    i = i + 1
    item = items[i]
  end
  return acc
end

-- Every answer is a vote (an empty answer too); the key is tostring(answer)
-- trimmed, and the winner is that trimmed text. Ties go to the answer seen
-- first. total counts the votes.
function alc.vote(answers)
  check_table("alc.vote", "answers", answers)
  local counts, order, total = {}, {}, 0
  for _, answer in ipairs(answers) do
    total = total + 1
    local key = trim(type(answer) == "string" and answer or safe_tostring(answer))
    local c = counts[key]
    if c == nil then
      order[#order + 1] = key
      counts[key] = 1
    else
      counts[key] = c + 1
    end
  end
  local winner, best = nil, 0
  for _, key in ipairs(order) do
    if counts[key] > best then
      winner, best = key, counts[key]
    end
  end
  return { winner = winner, count = best, total = total }
end

-- ---- LLM helpers -----------------------------------------------------------

-- One alc.llm_batch for all items. A string from prompt_fn becomes
-- {prompt = s, system = opts.system, max_tokens = opts.max_tokens}; a table
-- is copied (never modified) and gets opts.system / opts.max_tokens only
-- where it has none of its own. All prompts are built before the batch is
-- issued, so a bad item fails before any LLM call.
function alc.parallel(items, prompt_fn, opts)
  check_table("alc.parallel", "items", items)
  if items[1] == nil then error("alc.parallel: empty items", 2) end
  check_function("alc.parallel", "prompt_fn", prompt_fn)
  check_opts("alc.parallel", opts)
  opts = opts or {}
  local post_fn = opts.post_fn
  if post_fn ~= nil then check_function("alc.parallel", "opts.post_fn", post_fn) end
  local system, max_tokens = opts.system, opts.max_tokens
  local batch = {}
  for i, item in ipairs(items) do
    local p = prompt_fn(item, i)
    local query
    if type(p) == "string" then
      query = { prompt = p, system = system, max_tokens = max_tokens }
    elseif type(p) == "table" and type(p.prompt) == "string" then
      query = shallow_copy(p)
      if query.system == nil then query.system = system end
      if query.max_tokens == nil then query.max_tokens = max_tokens end
    elseif type(p) == "table" then
      error(format("alc.parallel: prompt_fn returned a table without a string prompt for item %d "
                   .. "(prompt is %s)", i, type(p.prompt)), 2)
    else
      error(format("alc.parallel: prompt_fn must return a string or a table with a prompt, "
                   .. "got %s for item %d", type(p), i), 2)
    end
    batch[i] = query
  end
  local responses = alc.llm_batch(batch)
  if post_fn == nil then return responses end
  local out = {}
  for i = 1, #batch do out[i] = post_fn(responses[i], items[i], i) end
  return out
end

-- alc.cache: per VM (one VM = one session), so per session.
local CACHE_MAX = 256
local cache_store, cache_order, cache_head, cache_tail = {}, {}, 1, 0
local cache_count, cache_hits, cache_misses = 0, 0, 0

local function normalize(s)
  return trim(gsub(lower(s), "%s+", " "))
end

local function djb2_hex(s)
  local h = 5381
  local i, n = 1, #s
  while i + 7 <= n do
    local a, b, c, d, e, f, g, k = byte(s, i, i + 7)
    h = (h * 33 + a) & 0xffffffff
    h = (h * 33 + b) & 0xffffffff
    h = (h * 33 + c) & 0xffffffff
    h = (h * 33 + d) & 0xffffffff
    h = (h * 33 + e) & 0xffffffff
    h = (h * 33 + f) & 0xffffffff
    h = (h * 33 + g) & 0xffffffff
    h = (h * 33 + k) & 0xffffffff
    i = i + 8
  end
  for j = i, n do h = (h * 33 + byte(s, j)) & 0xffffffff end
  return format("%08x", h)
end

-- Strings and numbers only: fingerprinting nil or a table is a bug to report,
-- not a hash of "nil".
function alc.fingerprint(s)
  local t = type(s)
  if t == "number" then
    s = tostring(s)
  elseif t ~= "string" then
    error("alc.fingerprint: expected a string, got " .. t, 2)
  end
  return djb2_hex(normalize(s))
end

-- The key is opts.cache_key, or the fingerprint of prompt, system and
-- max_tokens (absent max_tokens counts as alc.llm's default 1024, since the
-- calls are the same). Other opts (grounded, role, ...) are not part of the
-- key: give a cache_key to tell such calls apart. As the fingerprint is a
-- 32-bit hash, each entry also keeps the normalised text it was made from,
-- and a different text under the same hash is a miss (which replaces the
-- entry), never a wrong answer. cache_skip calls alc.llm directly: no
-- lookup, no store, no counter change. A failed alc.llm stores nothing.
function alc.cache(prompt, opts)
  if type(prompt) ~= "string" then
    error("alc.cache: prompt must be a string, got " .. type(prompt), 2)
  end
  check_opts("alc.cache", opts)
  local llm_opts
  if opts ~= nil then
    llm_opts = shallow_copy(opts)
    llm_opts.cache_key, llm_opts.cache_skip = nil, nil
    if opts.cache_skip then return alc.llm(prompt, llm_opts) end
  end
  local key, text
  local explicit = opts and opts.cache_key
  if explicit ~= nil then
    if type(explicit) ~= "string" and type(explicit) ~= "number" then
      error("alc.cache: cache_key must be a string, got " .. type(explicit), 2)
    end
    key = "k:" .. explicit
  else
    local system = opts and opts.system or ""
    local max_tokens = opts and opts.max_tokens or 1024  -- alc::default_max_tokens (messages/limits.hpp)
    text = normalize(prompt .. "\0" .. tostring(system) .. "\0" .. tostring(max_tokens))
    key = "f:" .. djb2_hex(text)
  end
  local entry = cache_store[key]
  if entry ~= nil and entry.text == text then
    cache_hits = cache_hits + 1
    return entry.value
  end
  cache_misses = cache_misses + 1
  local value = alc.llm(prompt, llm_opts)
  entry = cache_store[key]  -- alc.llm paused: look again
  if entry ~= nil then
    -- same key, other text (a hash collision): replace in place
    entry.text, entry.value = text, value
    return value
  end
  cache_store[key] = { text = text, value = value }
  cache_tail = cache_tail + 1
  cache_order[cache_tail] = key
  cache_count = cache_count + 1
  while cache_count > CACHE_MAX do
    local oldest = cache_order[cache_head]
    cache_order[cache_head] = nil
    cache_head = cache_head + 1
    cache_store[oldest] = nil
    cache_count = cache_count - 1
  end
  return value
end

function alc.cache_info()
  return { entries = cache_count, hits = cache_hits, misses = cache_misses,
           max_entries = CACHE_MAX }
end

-- Back to the initial state: no entries and zeroed counters.
function alc.cache_clear()
  cache_store, cache_order, cache_head, cache_tail = {}, {}, 1, 0
  cache_count, cache_hits, cache_misses = 0, 0, 0
end

local function with_flag(who, opts, flag)
  if opts ~= nil and type(opts) ~= "table" then
    error(format("%s: opts must be a table, got %s", who, type(opts)), 3)
  end
  local copy = shallow_copy(opts)
  copy[flag] = true
  return copy
end

function alc.ground(prompt, opts)
  return alc.llm(prompt, with_flag("alc.ground", opts, "grounded"))
end

function alc.specify(prompt, opts)
  return alc.llm(prompt, with_flag("alc.specify", opts, "underspecified"))
end

-- Any error (host failure, budget_exceeded, bad arguments) gives default.
function alc.llm_safe(prompt, opts, default)
  local ok, result = pcall(alc.llm, prompt, opts)
  if ok then return result end
  alc.log("warn", "alc.llm_safe: " .. safe_tostring(result))
  return default
end

-- ---- JSON from LLM output --------------------------------------------------

-- Balanced-block search. A scan starts at an opening bracket and tracks
-- depth, skipping JSON strings (brackets inside them do not count); `class`
-- matches the two brackets and '"'. The scan from `start` also settles every
-- bracket it meets outside a string: a fresh scan from such a bracket would
-- see exactly the same characters, so its end is known too. `resolved` maps
-- an opening position to its closing position, or false when none. This
-- keeps inputs like a long run of "{" linear.
local function scan_from(s, start, open_b, class, resolved)
  local stack, top, pos = {}, 0, start
  while true do
    local p = find(s, class, pos)
    if p == nil then break end
    local b = byte(s, p)
    if b == 34 then  -- '"': skip the string, escapes included
      local q = p + 1
      while true do
        local r = find(s, '["\\]', q)
        if r == nil then
          q = nil
          break
        end
        if byte(s, r) == 92 then
          q = r + 2
        else
          q = r + 1
          break
        end
      end
      if q == nil then break end  -- unterminated string: nothing closes
      pos = q
    elseif b == open_b then
      top = top + 1
      stack[top] = p
      pos = p + 1
    else
      resolved[stack[top]] = p
      stack[top] = nil
      top = top - 1
      if top == 0 then return end
      pos = p + 1
    end
  end
  for i = 1, top do resolved[stack[i]] = false end
end

local function decode_table(text)
  local ok, value = pcall(alc.json_decode, text)
  if ok and type(value) == "table" then return value end
  return nil
end

-- Tries every opening bracket from left to right, nested ones included, so
-- a block that does not decode ("{placeholder}") is skipped and a valid
-- block inside an invalid one is still found.
local function first_block(s, open_c, open_b, class)
  local resolved = {}
  local init = 1
  while true do
    local start = find(s, open_c, init, true)
    if start == nil then return nil end
    if resolved[start] == nil then scan_from(s, start, open_b, class, resolved) end
    local stop = resolved[start]
    if stop then
      local value = decode_table(sub(s, start, stop))
      if value ~= nil then return value end
    end
    init = start + 1
  end
end

-- Order: the whole text; each ```json fenced block; balanced {} blocks;
-- balanced [] blocks (so prose around an array of objects yields its first
-- object, as in the original). Scalars ("42", "null") are not tables: nil.
-- Anything but a string gives nil.
function alc.json_extract(raw)
  if type(raw) ~= "string" then return nil end
  local value = decode_table(raw)
  if value ~= nil then return value end
  for block in gmatch(raw, "```[Jj][Ss][Oo][Nn]%s*(.-)```") do
    value = decode_table(block)
    if value ~= nil then return value end
  end
  return first_block(raw, "{", 123, '[{}"]') or first_block(raw, "[", 91, '[%[%]"]')
end

local REPAIR_SYSTEM = "You output only valid JSON: a single JSON object or array, with no "
  .. "prose, no explanation and no markdown code fences."

-- The retry keeps the caller's opts (max_tokens, role, ...) but replaces
-- the system prompt; its prompt quotes the original request and the output
-- that failed to parse. Returns the table (or nil) and the last raw output.
function alc.llm_json(prompt, opts)
  check_opts("alc.llm_json", opts)
  local raw = alc.llm(prompt, opts)
  local value = alc.json_extract(raw)
  if value ~= nil then return value, raw end
  alc.log("warn", "alc.llm_json: the response is not valid JSON, retrying once")
  local retry_opts = shallow_copy(opts)
  retry_opts.system = REPAIR_SYSTEM
  local repair = "Your previous response could not be parsed as JSON.\n\n"
    .. "Original request:\n" .. tostring(prompt) .. "\n\n"
    .. "Previous response:\n" .. raw .. "\n\n"
    .. "Reply again with only the corrected, valid JSON."
  raw = alc.llm(repair, retry_opts)
  value = alc.json_extract(raw)
  if value == nil then
    alc.log("warn", "alc.llm_json: the response is still not valid JSON after the retry")
  end
  return value, raw
end

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

local function nonfinite_text(flags, v)
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
  if v == nil then return pad(flags, width, "<nil>") end
  local spec = "%" .. flags .. width .. precision .. conv
  if conv == "s" then
    local text = type(v) == "string" and v or safe_tostring(v)
    if spec == "%s" then return text end
    local ok, out = pcall(format, spec, text)
    return ok and out or pad(flags, width, text)
  elseif conv == "q" then
    local ok, out = pcall(format, spec, v)
    return ok and out or pad(flags, width, safe_tostring(v))
  end
  if type(v) == "string" then v = tonumber(v) or v end
  if type(v) ~= "number" then return pad(flags, width, safe_tostring(v)) end
  if v ~= v or v == huge or v == -huge then return pad(flags, width, nonfinite_text(flags, v)) end
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
-- * nil (also a missing argument, for every conversion) prints "<nil>",
--   padded to the width but never truncated;
-- * NaN / inf / -inf print "nan" / "inf" / "-inf" for every numeric
--   conversion;
-- * integer conversions (%d %i %u %o %x %X %c) round a float half away from
--   zero (2.5 -> 3, -2.5 -> -3); numeric strings are converted;
-- * a value a conversion cannot take (a table for %d) prints via tostring;
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
      if INT_CONV[conv] or FLOAT_CONV[conv] or conv == "s" or conv == "q" then
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

-- ---- budgets and tuning ----------------------------------------------------

-- As lua-api.md states: only llm_calls and elapsed_ms are checked (tokens
-- are not). True without a budget, or when alc.budget_remaining is absent.
function alc.budget_check()
  local remaining = alc.budget_remaining
  if remaining == nil then return true end
  local r = remaining()
  if type(r) ~= "table" then return true end
  local calls, elapsed = r.llm_calls, r.elapsed_ms
  if type(calls) == "number" and calls <= 0 then return false end
  if type(elapsed) == "number" and elapsed <= 0 then return false end
  return true
end

local array_marker_mt  -- the metatable json_decode gives arrays, found lazily

-- An array: marked as one by the JSON layer, or non-empty with keys
-- exactly 1..n. An unmarked empty table is a dict (as in lua-api.md).
local function is_array(t)
  if array_marker_mt == nil then array_marker_mt = getmetatable(alc.json_decode("[]")) or false end
  local mt = getmetatable(t)
  if mt ~= nil and mt == array_marker_mt then return true end
  local n = #t
  if n == 0 then return false end
  local count = 0
  for k in pairs(t) do
    if mtype(k) ~= "integer" or k < 1 or k > n then return false end
    count = count + 1
  end
  return count == n
end

local function is_dict(v)
  return type(v) == "table" and not is_array(v)
end

local function deep_copy(v, seen)
  if type(v) ~= "table" then return v end
  seen = seen or {}
  if seen[v] then return seen[v] end
  local out = {}
  seen[v] = out
  for k, x in pairs(v) do out[k] = deep_copy(x, seen) end
  local mt = getmetatable(v)
  if mt ~= nil and type(mt) == "table" then setmetatable(out, mt) end
  return out
end

-- Only keys of `defaults` survive (at every level); `_schema` is dropped at
-- every level. Dict + dict merge recursively; anything else (arrays,
-- scalars, a type change) is replaced by the override. An empty dict in
-- defaults is an open slot: an override dict replaces it whole. nil (JSON
-- null) in the overrides keeps the default. The result shares nothing with
-- the inputs.
local function merge(defaults, overrides)
  local out = {}
  for k, v in pairs(defaults) do
    if k ~= "_schema" then
      local o = overrides and overrides[k]
      if o == nil then
        out[k] = is_dict(v) and merge(v, nil) or deep_copy(v)
      elseif is_dict(v) and is_dict(o) and next(v) ~= nil then
        out[k] = merge(v, o)
      else
        out[k] = deep_copy(o)
      end
    end
  end
  return out
end

-- With opts.prefix the overrides are ctx[prefix] (ignored, with a warning,
-- when it is not a table).
function alc.tuning(defaults, ctx, opts)
  check_table("alc.tuning", "defaults", defaults)
  if ctx ~= nil and type(ctx) ~= "table" then
    error("alc.tuning: ctx must be a table, got " .. type(ctx), 2)
  end
  check_opts("alc.tuning", opts)
  local overrides = ctx
  local prefix = opts and opts.prefix
  if prefix ~= nil and ctx ~= nil then
    overrides = ctx[prefix]
    if overrides ~= nil and type(overrides) ~= "table" then
      alc.log("warn", "alc.tuning: ctx." .. tostring(prefix) .. " is not a table, ignored")
      overrides = nil
    end
  end
  return merge(defaults, overrides)
end

-- ---- state -----------------------------------------------------------------

local state = alc.state
if state == nil then
  state = {}
  alc.state = state
end

-- Not atomic across sessions: another session may write between the get
-- and the set.
function state.update(key, fn, default)
  check_function("alc.state.update", "fn", fn)
  local current = alc.state.get(key, default)
  local updated = fn(current)
  alc.state.set(key, updated)
  return updated
end

-- ---- pipelines -------------------------------------------------------------

local PIPE_MODES = { abort = true, skip = true, continue = true }

local function run_package(name, stage_ctx)
  local req = require
  if req == nil then error("require is not available", 0) end
  local pkg = req(name)
  if type(pkg) ~= "table" or type(pkg.run) ~= "function" then
    error(format("package '%s' has no run(ctx) function", name), 0)
  end
  return pkg.run(stage_ctx)
end

-- Runs the stages in order. Each stage gets a fresh shallow copy of ctx
-- with `task` set (stage 1: ctx.task) and `result` cleared. A stage's
-- result is what it returns; a stage that returns its ctx (algocline
-- packages do `ctx.result = ...; return ctx`) or nothing gives
-- ctx.result. A non-nil result becomes the next task: strings as they are,
-- tables as JSON, anything else via tostring; a nil result leaves the task
-- unchanged. A result that cannot be JSON-encoded fails its stage (unless
-- it is the last one).
--
-- opts.on_stage(i, name, result) runs after each successful stage.
-- opts.on_error: "abort" (default) raises "alc.pipe: stage i (name)
-- failed: ..."; "skip" records the failure and keeps the previous task;
-- "continue" records it and passes the error text on as the next task.
-- Function stages are named "(inline-<i>)".
--
-- Returns {result = the result of the last successful stage (nil when none
-- succeeded), stages = { {name, ok = true, result} | {name, ok = false,
-- error} ... }}; failures under skip/continue are also logged as warnings.
-- No stages: {result = ctx.task, stages = {}}.
function alc.pipe(strategies, ctx, opts)
  check_table("alc.pipe", "strategies", strategies)
  if ctx ~= nil and type(ctx) ~= "table" then
    error("alc.pipe: ctx must be a table, got " .. type(ctx), 2)
  end
  check_opts("alc.pipe", opts)
  local on_stage = opts and opts.on_stage
  if on_stage ~= nil then check_function("alc.pipe", "opts.on_stage", on_stage) end
  local on_error = opts and opts.on_error or "abort"
  if not PIPE_MODES[on_error] then
    error("alc.pipe: on_error must be \"abort\", \"skip\" or \"continue\", got "
          .. safe_tostring(on_error), 2)
  end
  local names = {}
  for i, stage in ipairs(strategies) do
    if type(stage) == "string" then
      names[i] = stage
    elseif type(stage) == "function" then
      names[i] = "(inline-" .. i .. ")"
    else
      error(format("alc.pipe: stage %d must be a package name or a function, got %s",
                   i, type(stage)), 2)
    end
  end
  local count = #names
  local task = ctx and ctx.task
  if count == 0 then return { result = task, stages = {} } end
  local stages, result = {}, nil
  for i = 1, count do
    local stage, name = strategies[i], names[i]
    local stage_ctx = shallow_copy(ctx)
    stage_ctx.task, stage_ctx.result = task, nil
    local ok, value
    if type(stage) == "string" then
      ok, value = pcall(run_package, stage, stage_ctx)
    else
      ok, value = pcall(stage, stage_ctx)
    end
    local next_task = task
    if ok then
      if value == nil or rawequal(value, stage_ctx) then value = stage_ctx.result end
      if value ~= nil and i < count then
        if type(value) == "table" then
          local encoded_ok, encoded = pcall(alc.json_encode, value)
          if encoded_ok then
            next_task = encoded
          else
            ok, value = false, "the result cannot be passed on: " .. safe_tostring(encoded)
          end
        elseif type(value) == "string" then
          next_task = value
        else
          next_task = safe_tostring(value)
        end
      end
    end
    if ok then
      stages[i] = { name = name, ok = true, result = value }
      result, task = value, next_task
      if on_stage ~= nil then on_stage(i, name, value) end
    else
      local message = type(value) == "string" and value or safe_tostring(value)
      if on_error == "abort" then
        error(format("alc.pipe: stage %d (%s) failed: %s", i, name, message), 2)
      end
      stages[i] = { name = name, ok = false, error = message }
      alc.log("warn", format("alc.pipe: stage %d (%s) failed: %s", i, name, message))
      if on_error == "continue" then task = message end
    end
  end
  return { result = result, stages = stages }
end
