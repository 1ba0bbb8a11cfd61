-- x ^ y is C's pow (found by the random differential test: 1 ^ nan printed nan).
-- JS's Math.pow differs at 1 ^ y and (-1) ^ +-inf; sqrt, at -0 and -inf for y = 0.5.
local nan, inf = 0/0, 1/0
print(1 ^ nan, 1 ^ inf, 1 ^ -inf, (-1) ^ inf, (-1) ^ -inf, nan ^ 0, 1.0 ^ nan)
print((-0.0) ^ 0.5, (-inf) ^ 0.5, inf ^ 0.5, 0.0 ^ 0.5, 2 ^ 0.5, (-2) ^ 0.5, (-0.0) ^ 2)
local s, z = 0.0, 0.0
for i = 1, 40 do
  s = s + (i % 2 == 0 and 1 or -1) ^ inf + (i % 3 == 0 and 1.0 or 1) ^ nan
  z = z + 1 / ((-(i % 2) * 0.0) ^ 0.5)   -- +0 each time: inf, not nan
end
print(s, z)
