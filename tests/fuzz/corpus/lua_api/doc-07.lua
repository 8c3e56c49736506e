-- docs/lua-api.md example 7
return {
  chunks = alc.chunk("abcdefgh", {mode = "chars", size = 4, overlap = 1}),
  lines = alc.chunk("one\ntwo\nthree", {size = 2}),
  pick = alc.match_enum("I would say Positive, really.", {"negative", "positive"}),
  fuzzy = alc.match_enum("definately", {"definitely", "maybe"}),
  yes = alc.match_bool("Looks fine to me, LGTM"),
  no = alc.match_bool("I must refuse"),
  none = alc.match_bool("bypass the failed check") == nil,
}
