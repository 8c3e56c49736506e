-- ---- collections -----------------------------------------------------------
-- map, filter and vote's counting walk items like ipairs (from 1 up to the
-- first nil); reduce and vote's total use the length operator, as the
-- original does. On sequences the two agree.

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
-- starts at index 1, and an empty list gives init. The fold runs to #items.
function alc.reduce(items, fn, init)
  check_table("alc.reduce", "items", items)
  check_function("alc.reduce", "fn", fn)
  local acc, first = init, 1
  if acc == nil then
    acc, first = items[1], 2
  end
  for i = first, #items do acc = fn(acc, items[i], i) end
  return acc
end

-- Every answer is a vote (an empty answer too); the key is tostring(answer)
-- trimmed, and the winner is that trimmed text. Ties go to the answer seen
-- first. total is #answers.
function alc.vote(answers)
  check_table("alc.vote", "answers", answers)
  local counts, order = {}, {}
  for _, answer in ipairs(answers) do
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
  return { winner = winner, count = best, total = #answers }
end

