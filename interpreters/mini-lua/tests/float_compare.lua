-- Comparisons with integral float constants (stored as integers by the compiler): metamethods still see floats.
local mt = {__lt = function(a, b) return math.type(b) == 'float' end, __le = function(a, b) print('le', math.type(a), math.type(b)) return true end}
local t = setmetatable({}, mt)
print(t < 4.0, t < 4, t > 4.0, t >= 4.0, t <= -0.0)
local x = 3
print(x < 4.0, x <= 3.0, x > 2.0, x >= 3.0, x == 3.0, x ~= 3.0, 4.0 > x)
local f = 3.0
print(f < 4.0, f == 3, f == 3.0, 2^53 == 2.0^53, x == -0.0, 0 == -0.0)
