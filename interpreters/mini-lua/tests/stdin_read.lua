local l1 = io.read()
print("line1:", l1)
local n = io.read("n")
print("num:", n, math.type(n))
local rest = io.read("a")
print("rest:", #rest)
for line in io.lines() do print("never") end
