local function f(...) return select('#', ...), ... end
print(f())
print(f(nil, nil))
print(f(1, 2, 3))
print(select(2, "a", "b", "c"))
print(select(-1, "a", "b", "c"))
print(select(-2, "a", "b", "c"))
local function g(...) local a, b = ... return a, b end
print(g(1), g(1, 2, 3))
print((f(1, 2, 3)))
local t = {f(1, 2)}
print(#t, t[1], t[2], t[3])
local t2 = {f(1, 2), 10}
print(#t2, t2[1], t2[2])
local function h(...)
  local t = {...}
  return #t, ...
end
print(h(5, 6, 7))
print(table.unpack({1, 2, 3}))
print(table.unpack({1, 2, 3}, 2))
print(table.unpack({1, 2, 3}, 2, 5))
local p = table.pack(1, nil, 3)
print(p.n, p[1], p[2], p[3])
local function tail(n) if n == 0 then return "done" end return tail(n - 1) end
print(tail(100000))
local function multi() return 1, 2, 3 end
local x, y, z, w = multi()
print(x, y, z, w)
local a, b = multi(), 10
print(a, b)
print(multi(), multi())
print(({multi(), multi()})[4])
local function va2(a, ...) return a, select('#', ...) end
print(va2(1, 2, 3))
print(pcall(select, 0))
print(string.format("%d %d", multi()))
local function count(...) return select('#', ...) end
print(count(table.unpack({}, 1, 3)))
print(math.max(multi()), math.min(3, multi()))
