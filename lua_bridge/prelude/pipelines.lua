-- ---- pipelines -------------------------------------------------------------

-- The original's pipeline, shape and messages included: one pipeline ctx
-- (a shallow copy of ctx with pipe_history = {}) goes through the stages in
-- order. Each stage gets it and must return a table, which becomes the
-- pipeline ctx (algocline packages set ctx.result and return ctx). After a
-- stage that is not the last, a non-nil ctx.result becomes ctx.task: tables
-- as JSON, anything else via tostring. pipe_history gets
-- {strategy = name, result = ctx.result} per successful stage and
-- {strategy = name, error = msg} per failed one.
--
-- A package stage is require(name).run; a function stage is named
-- "(inline-<i>)". Stages are resolved when they are reached, so a bad stage
-- fails after the stages before it ran. opts.on_stage(i, name, ctx) runs
-- after each successful stage. opts.on_error "abort" (the default) lets a
-- stage's error through as it is; any other value logs the failure,
-- records it and goes on with the ctx unchanged.
--
-- Returns the pipeline ctx.
function alc.pipe(strategies, ctx, opts)
  if type(strategies) ~= "table" or #strategies == 0 then
    error("alc.pipe: strategies must be a non-empty array", 2)
  end
  if type(ctx) ~= "table" then error("alc.pipe: ctx must be a table", 2) end
  check_opts("alc.pipe", opts)
  opts = opts or {}
  local abort = (opts.on_error or "abort") == "abort"
  local count = #strategies
  local pipe_ctx = shallow_copy(ctx)
  local history = {}
  pipe_ctx.pipe_history = history
  for i, entry in ipairs(strategies) do
    local name, run
    if type(entry) == "string" then
      name = entry
      local loaded, pkg = pcall(require, entry)
      if not loaded then
        error("alc.pipe: failed to load strategy '" .. entry .. "': " .. safe_tostring(pkg), 2)
      end
      if type(pkg) ~= "table" or type(pkg.run) ~= "function" then
        error("alc.pipe: strategy '" .. entry .. "' must export run(ctx)", 2)
      end
      run = pkg.run
    elseif type(entry) == "function" then
      name, run = "(inline-" .. i .. ")", entry
    else
      error("alc.pipe: strategy[" .. i .. "] must be a string or function", 2)
    end

    local ok, returned = true, nil
    if abort then
      returned = run(pipe_ctx)
    else
      ok, returned = pcall(run, pipe_ctx)
    end
    if ok then
      if type(returned) ~= "table" then
        error("alc.pipe: strategy '" .. name .. "' must return a table (ctx)", 2)
      end
      pipe_ctx = returned
      -- A stage that built a fresh table keeps the pipeline's history (the
      -- original would fail on it).
      if type(pipe_ctx.pipe_history) ~= "table" then pipe_ctx.pipe_history = history end
      history = pipe_ctx.pipe_history
      local result = pipe_ctx.result
      history[#history + 1] = { strategy = name, result = result }
      if result ~= nil and i < count then
        if type(result) == "table" then
          pipe_ctx.task = alc.json_encode(result)
        else
          pipe_ctx.task = tostring(result)
        end
      end
      if opts.on_stage then opts.on_stage(i, name, pipe_ctx) end
    else
      local message = safe_tostring(returned)
      alc.log("warn", "alc.pipe: stage '" .. name .. "' failed: " .. message)
      history[#history + 1] = { strategy = name, error = message }
    end
  end
  return pipe_ctx
end
