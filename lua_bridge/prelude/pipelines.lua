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
