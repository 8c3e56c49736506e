-- ---- eval ------------------------------------------------------------------

-- alc.eval(scenario, strategy, opts) runs a strategy over test cases with
-- evalframe, a separate package (alc-card.md §8). alc does not run it yet;
-- without evalframe the original fails the same way.
function alc.eval(_scenario, _strategy, _opts)
  local req = require
  if req == nil or not pcall(req, "evalframe") then
    error("alc.eval: evalframe not installed. Run alc_pkg_install to add it.", 2)
  end
  error("alc.eval: not supported by this runtime (evalframe is installed, but alc does not run it)", 2)
end
