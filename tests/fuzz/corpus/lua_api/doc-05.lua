-- docs/lua-api.md example 5
local card = alc.card.create({pkg = {name = "demo"}, model = {id = "claude-opus-4-6"},
                              params = {temperature = 0.2}, stats = {pass_rate = 0.8, n = 2}})
alc.card.write_samples(card.card_id, {{case = 1, ok = true}, {case = 2, ok = false}})
alc.card.alias_set("demo-best", card.card_id, {note = "first run"})
local misses = alc.card.read_samples(card.card_id, {where = {ok = false}})
local best = alc.card.find({pkg = "demo", where = {stats = {pass_rate = {gte = 0.5}}},
                            order_by = "-stats.pass_rate", limit = 1})
local ok, err = pcall(alc.card.append, card.card_id, {stats = {}})
return {id = card.card_id, misses = #misses, best = best[1].card_id,
        alias = alc.card.get_by_alias("demo-best").card_id, immutable = err}
