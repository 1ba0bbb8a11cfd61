-- math.max/min compare with `<` as PUC 5.4 does (found by the random differential
-- test): strings and __lt work, there is no number check, and a failed comparison
-- is an "attempt to compare" error without a position.
print(math.max("10", "9"), math.min("10", "9"), math.max(true), math.max(1, 1.0), math.min(1.0, 1))
print(math.max(0/0, 1), math.max(1, 0/0), math.min(-0.0, 0.0), math.max(3, 7, 5), math.min(3, -7.5, 5))
print(pcall(math.max, true, "x"))
print(pcall(math.max, 1, "x"))
print(pcall(math.min, {}, 2))
print(pcall(math.max, 2, nil))
print(pcall(math.max))
local V = {__lt = function(a, b) return a.v < b.v end}
local a, b = setmetatable({v = 1}, V), setmetatable({v = 2}, V)
print(math.max(a, b).v, math.min(a, b).v, math.max(b, a).v)
local s = 0
for i = 1, 50 do s = s + math.max(i % 7, 3) - math.min(i, 25.5) end
print(s)
