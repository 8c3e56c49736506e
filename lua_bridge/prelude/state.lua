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

