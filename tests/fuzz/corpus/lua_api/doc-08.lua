-- docs/lua-api.md example 8
local rng = alc.math.rng_create(42)
local xs = {}
for i = 1, 5 do xs[i] = alc.math.rng_float(rng) end
return {first = xs[1], dice = alc.math.rng_int(rng, 1, 6),
        median = alc.math.median({3, 1, 2}), p25 = alc.math.percentile({1, 2, 3, 4}, 25),
        ci = alc.math.wilson_ci(80, 100, 0.95).center,
        bad = select(2, pcall(alc.math.mean, {}))}
