-- alc.math and text helpers with edge arguments
local rng = alc.math.rng_create(-1)
local r = {alc.math.rng_int(rng, 1, 6), pcall(alc.math.mean, {}), pcall(alc.math.percentile, {1, 2}, 101)}
r[#r + 1] = alc.chunk(string.rep("ab", 50), {mode = "chars", size = 7, overlap = 3})
r[#r + 1] = alc.match_enum("maybe Positive", {"positive", "negative"})
r[#r + 1] = pcall(alc.math.factorial, 171)
r[#r + 1] = alc.parse_score(1e20)
return r
