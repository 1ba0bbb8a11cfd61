local t = {1, 2, 3, nil, 5}
print(#t)
local t2 = {}
t2[1] = 1; t2[2] = 2; t2[3] = 3
print(#t2)
local t3 = {n = 1, [1] = "a", [2] = "b", "c"}
print(t3[1], t3[2], t3.n, #t3)
local t4 = {[1.0] = "float key", [2] = "int"}
print(t4[1], t4[2.0], t4[1.5])
t4[2^53] = "big"
print(t4[2^53], t4[math.tointeger(2^53)])
local keys = {}
local tk = {10, 20, 30, x = 1, y = 2}
for k, v in pairs(tk) do keys[#keys + 1] = tostring(k) .. "=" .. tostring(v) end
table.sort(keys)
print(table.concat(keys, " "))
for i, v in ipairs({"a", "b", nil, "d"}) do io.write(i, v, " ") end print()
-- insert/remove
local l = {}
table.insert(l, "a"); table.insert(l, "c"); table.insert(l, 2, "b"); table.insert(l, 1, "z")
print(table.concat(l, ","), #l)
print(table.remove(l), table.remove(l, 1), table.concat(l, ","))
print(table.remove({}), #l)
print(pcall(table.insert, l, 10, "x"))
print(pcall(table.insert, l, 1, 2, 3))
-- sort
local nums = {5, 2, 8, 1, 9, 3, 7, 4, 6, 0}
table.sort(nums)
print(table.concat(nums, " "))
table.sort(nums, function(a, b) return a > b end)
print(table.concat(nums, " "))
local words = {"banana", "apple", "cherry", "date"}
table.sort(words)
print(table.concat(words, " "))
local recs = {{n = "b", a = 2}, {n = "a", a = 2}, {n = "c", a = 1}, {n = "d", a = 3}, {n = "e", a = 1}}
table.sort(recs, function(x, y) return x.a < y.a end)
for _, r in ipairs(recs) do io.write(r.n, r.a, " ") end print()
print(pcall(table.sort, {3, 1, "x"}))
-- move
local m = table.move({1, 2, 3}, 1, 3, 2)
print(table.concat(m, ","))
local m2 = table.move({1, 2, 3}, 1, 3, 1, {})
print(table.concat(m2, ","))
-- next
print(next({}), next({10}))
local nt = {a = 1}
local k, v = next(nt)
print(k, v, next(nt, k))
-- modifying during traversal (assigning nil to existing)
local big = {}
for i = 1, 10 do big["k" .. i] = i end
local sum = 0
for k, v in pairs(big) do sum = sum + v; big[k] = nil end
print(sum, next(big))
-- nested tables and length
local grid = {}
for i = 1, 3 do grid[i] = {} for j = 1, 3 do grid[i][j] = i * j end end
print(grid[2][3], #grid, #grid[1])
-- table with holes built by constructor
print(#{1, 2, nil}, #{nil, nil, 3}, #{n = 1})
-- integer/float key normalization
local nk = {}
nk[1] = "one"; nk[1.0] = "onef"; nk["1"] = "str"
print(nk[1], nk["1"])
-- negative and zero keys
nk[0] = "zero"; nk[-1] = "neg"
print(nk[0], nk[-1], #nk)
-- unpack with ranges
print(table.unpack({1, 2, 3}, -1, 1))
-- table.pack/unpack roundtrip
local pk = table.pack(table.unpack({1, 2, 3}))
print(pk.n, #pk)
-- length after removals
local arr = {1, 2, 3, 4, 5}
arr[5] = nil
print(#arr)
arr[4] = nil
print(#arr)
arr[#arr + 1] = "x"
print(#arr, arr[4])
-- large array
local la = {}
for i = 1, 1000 do la[i] = i end
print(#la, la[500])
for i = 1, 500 do la[i] = nil end
local c = 0
for _ in pairs(la) do c = c + 1 end
print(c)
print(rawequal(t, t), rawget(t, 1), rawset(t, 1, "x")[1])
print(select('#', table.unpack({}, 1, 0)))
local cnt = 0
for k in pairs({a = 1, b = 2, 3, 4}) do cnt = cnt + 1 end
print(cnt)
print(pcall(function() local x = {} x[nil] = 1 end))
print(pcall(function() local x = {} x[0/0] = 1 end))
print(({})[nil], ({})[0/0])
