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

-- Order: the whole text; each ```json fenced block (any case); when there
-- is no ```json fence, the first plain ``` fence (as the original, which
-- tries the first plain fence only then); balanced {} blocks; balanced []
-- blocks (so prose around an array of objects yields its first object, as
-- in the original). Scalars ("42", "null") are not tables: nil. Anything
-- but a string gives nil.
function alc.json_extract(raw)
  if type(raw) ~= "string" then return nil end
  local value = decode_table(raw)
  if value ~= nil then return value end
  local fenced = false
  for block in gmatch(raw, "```[Jj][Ss][Oo][Nn]%s*(.-)```") do
    fenced = true
    value = decode_table(block)
    if value ~= nil then return value end
  end
  if not fenced then
    local block = match(raw, "```%s*(.-)%s*```")
    if block ~= nil then
      value = decode_table(block)
      if value ~= nil then return value end
    end
  end
  return first_block(raw, "{", 123, '[{}"]') or first_block(raw, "[", 91, '[%[%]"]')
end

-- The retry wording is the original's (a host that matches prompts sees
-- the same text). The retry keeps the caller's opts (max_tokens, role, ...)
-- but replaces the system prompt. Returns the table (or nil) and the last
-- raw output.
local REPAIR_SYSTEM = "Output ONLY valid JSON. No markdown fences, no explanation."

function alc.llm_json(prompt, opts)
  check_opts("alc.llm_json", opts)
  local raw = alc.llm(prompt, opts)
  local value = alc.json_extract(raw)
  if value ~= nil then return value, raw end
  alc.log("warn", "alc.llm_json: JSON parse failed, retrying")
  local retry_opts = shallow_copy(opts)
  retry_opts.system = REPAIR_SYSTEM
  local repair = "The previous response was not valid JSON.\n\n"
    .. "Previous output:\n" .. raw .. "\n\n"
    .. "Fix the JSON and return ONLY valid JSON.\n\n"
    .. "Original request:\n" .. tostring(prompt)
  raw = alc.llm(repair, retry_opts)
  value = alc.json_extract(raw)
  if value == nil then alc.log("warn", "alc.llm_json: JSON parse failed after retry") end
  return value, raw
end
