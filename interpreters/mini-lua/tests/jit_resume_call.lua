-- Hot loops whose residual helpers write the looping frame's registers (a method
-- looked up on a string constant, a metamethod). Found by the random differential
-- test with every guard forced to fail: resuming after such a call wrote the
-- registers' old values back over what the call had written.
local n = 0
for i = 1, 40 do
  local c = ("Hello"):upper()
  local b = ("Hello"):byte(i % 5 + 1)
  n = n + #c + b
end
print(n)

local V = setmetatable({}, {__index = function(t, k) return #k end})
local s = 0
for i = 1, 40 do s = s + V.abc + V[("k"):rep(i % 3)] end
print(s)

local acc = {}
for i = 1, 30 do acc[#acc + 1] = ("%d"):format(i):rep(2) end
print(table.concat(acc, ","))
