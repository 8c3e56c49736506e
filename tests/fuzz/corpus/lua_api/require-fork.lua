-- require and fork through the package roots
local ok, cot = pcall(require, "cot")
local bad = {pcall(require, "../etc/passwd"), pcall(require, "no.such.module")}
local forked = pcall(alc.fork, {"cot"}, {task = "2 + 2?"})
return {ok, type(cot), bad, forked}
