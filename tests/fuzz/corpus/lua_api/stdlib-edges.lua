-- standard library calls with huge and negative arguments
local r = {}
r[#r + 1] = pcall(string.rep, "x", -1)
r[#r + 1] = pcall(string.format, "%99.99f", 1e308)
r[#r + 1] = pcall(table.concat, {1, 2, 3}, ",", -5, 2)
r[#r + 1] = pcall(table.unpack, {}, 1, 1e6)
r[#r + 1] = pcall(utf8.char, 0x7FFFFFFF)
r[#r + 1] = pcall(string.pack, "i16", math.mininteger)
r[#r + 1] = pcall(os.date, "*t", math.maxinteger)
r[#r + 1] = pcall(io.write, "x", 1, {})
r[#r + 1] = pcall(load, "return ...", "=x", "t")
return r
