-- Hash parts that grow, shrink and are traversed while fields are cleared: small
-- (linear search) and large (indexed) ones, string, number, boolean, table and
-- boxed-number keys. pairs order is not specified, so results are sorted.
local function keystr(k)
  if type(k) == 'table' then return 'T' end
  return type(k) .. ':' .. tostring(k)
end
local function dump(t)
  local ks = {}
  for k, v in pairs(t) do ks[#ks + 1] = keystr(k) .. '=' .. tostring(v) end
  table.sort(ks)
  return table.concat(ks, ' ')
end
local seed = 12345
local function rnd(n) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n end
local tk = {}
local keys = { 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 1.5, -2.25, true, false, tk, 100, 2^53, -0.0, 3.0, 2^63, math.mininteger, 'x' .. 'y' }
for round = 1, 40 do
  local t = {}
  local n = 3 + rnd(#keys - 3)
  for i = 1, n * 3 do
    local k = keys[1 + rnd(n)]
    if rnd(3) == 0 then t[k] = nil else t[k] = i end
  end
  -- clear some fields during a traversal (allowed), then add new ones after it
  for k, v in pairs(t) do if v % 2 == 0 then t[k] = nil end end
  for i = 1, rnd(6) do t['new' .. i] = i end
  local cnt = 0
  for _ in pairs(t) do cnt = cnt + 1 end
  print(round, cnt, dump(t), t.a, t[1.5], t[true], t[tk], t[2^53], t[0], t[3], t[2^63], t.xy)
end
-- a table that crosses the linear limit both ways
local t = {}
for i = 1, 20 do t['k' .. i] = i end
for i = 1, 20, 2 do t['k' .. i] = nil end
for i = 21, 30 do t['k' .. i] = i end
print(dump(t))
local n = 0
for k in pairs(t) do n = n + 1; t[k] = nil end
print(n, next(t))
t.z = 1; t[1] = 'one'; t[2] = 'two'
print(dump(t), #t)
-- integer keys in the hash part migrate to the array part
local m = {}
m[3] = 'c'; m[2] = 'b'; m.x = 'x'; m[1] = 'a'
print(#m, m[1], m[2], m[3], dump(m))
print(next({}), rawlen({ 1, 2, nil, n = 3 }))
