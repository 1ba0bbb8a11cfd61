-- numeric work
local s = 0
for i = 1, 200000 do s = s + i % 7 end
print(s)
local f = 0.0
for i = 1, 100000 do f = f + 1 / i end
print(f)
local t = {}
for i = 1, 10000 do t[i] = i * 2 end
local acc = 0
for i, v in ipairs(t) do acc = acc + v end
print(acc)
local str = {}
for i = 1, 1000 do str[#str + 1] = tostring(i) end
print(#table.concat(str))
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print(fib(22))
local h = 0
for i = 1, 100000 do h = (h * 31 + i) & 0xffffffff end
print(h)
local big = 1
for i = 1, 70 do big = big * 3 end
print(big)
local x = 0
for i = 1, 100 do x = x + 0.1 end
print(x, x == 10)
