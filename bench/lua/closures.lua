-- Closures and higher-order functions: map/filter/fold over arrays with closures.
local function map(t, f) local r = {} for i = 1, #t do r[i] = f(t[i]) end return r end
local function filter(t, p) local r = {} for i = 1, #t do if p(t[i]) then r[#r + 1] = t[i] end end return r end
local function fold(t, f, acc) for i = 1, #t do acc = f(acc, t[i]) end return acc end
local function adder(k) return function(x) return x + k end end

local data = {}
for i = 1, 1000 do data[i] = i end
local total = 0
local rounds = tonumber(arg and arg[1]) or 10000
for r = 1, rounds do
  local add = adder(r % 10)
  local mapped = map(data, add)
  local evens = filter(mapped, function(x) return x % 2 == 0 end)
  total = total + fold(evens, function(a, b) return a + b end, 0)
end
print("total", total)
