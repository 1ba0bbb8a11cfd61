-- Indexing with integer numeral keys (GETI/SETI) and table constructors.
local t = { 10, 20, 30 }
print(t[0], t[1], t[3], t[4], t[255], t[256], #t)
t[0] = 'zero'; t[4] = 40; t[255] = 'x'; t[256] = 'y'
print(t[0], t[4], t[255], t[256], #t)
t[4] = nil; t[3] = nil
print(#t, t[2], t[3])
local log = {}
local p = setmetatable({}, {
  __index = function(_, k) return 'idx' .. tostring(k) end,
  __newindex = function(self, k, v) log[#log + 1] = k .. '=' .. tostring(v); rawset(self, k, v) end,
})
print(p[1], p[2], p[0])
p[1] = 'a'; p[1] = 'b'; p[2] = false
print(p[1], p[2], table.concat(log, ' '))
local chain = setmetatable({}, { __index = { [1] = 'one', [2] = 'two' } })
print(chain[1], chain[2], chain[3])
local s = 'abc'
print(pcall(function() return s[1] end))
print(pcall(function() local n; return n[1] end))
print(pcall(function() local n; n[2] = 1 end))
print(pcall(function() return t.x[1] end))
print(pcall(function() local b = true; b[1] = 0 end))
local mt = { __index = string }
print(('x'):rep(3), #{ n = 1, 1, 2, nil }, #{ nil, nil, 3 }, select('#', table.unpack({ 1, nil, 3 })))
local function f() return 1, 2, 3 end
local c = { f(), f() }
print(#c, c[1], c[2], c[4])
local d = { f(), nil }
print(#d, d[1], d[2])
local e = { [1] = 'a', 'b', [3] = 'c', 'd' }
print(e[1], e[2], e[3], #e)
local g = {}
g[2] = 'two'; g[1] = 'one'
print(#g, g[1], g[2])
local big = {}
for i = 1, 300 do big[i] = i end
print(#big, big[255], big[256], big[300])
