-- ---- LLM helpers -----------------------------------------------------------

-- One alc.llm_batch for all items. A string from prompt_fn becomes
-- {prompt = s} plus opts.system / opts.max_tokens when those are set; a
-- table is sent as it is (opts do not apply to it). All prompts are built
-- before the batch is issued, so a bad item fails before any LLM call.
-- Messages as in the original: packages and hosts may match them.
function alc.parallel(items, prompt_fn, opts)
  if type(items) ~= "table" or #items == 0 then
    error("alc.parallel: items must be a non-empty array", 2)
  end
  if type(prompt_fn) ~= "function" then error("alc.parallel: prompt_fn must be a function", 2) end
  check_opts("alc.parallel", opts)
  opts = opts or {}
  local post_fn = opts.post_fn
  if post_fn ~= nil then check_function("alc.parallel", "opts.post_fn", post_fn) end
  local system, max_tokens = opts.system, opts.max_tokens
  local batch = {}
  for i, item in ipairs(items) do
    local p = prompt_fn(item, i)
    if type(p) == "string" then
      local query = { prompt = p }
      if system then query.system = system end
      if max_tokens then query.max_tokens = max_tokens end
      batch[i] = query
    elseif type(p) == "table" then
      if type(p.prompt) ~= "string" then
        error("alc.parallel: prompt_fn returned table without .prompt at index " .. i, 2)
      end
      batch[i] = p
    else
      error("alc.parallel: prompt_fn must return string or table, got " .. type(p)
            .. " at index " .. i, 2)
    end
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

-- Any value, through tostring (nil hashes the text "nil"), as the original.
function alc.fingerprint(s)
  if type(s) ~= "string" then s = tostring(s) end
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

