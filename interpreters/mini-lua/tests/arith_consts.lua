-- Arithmetic with numeral operands on either side (K, KL and float-numeral opcodes):
-- results, float/integer kinds, string coercion, metamethod argument order, errors.
local function show(...)
  local t = table.pack(...)
  for i = 1, t.n do
    local v = t[i]
    t[i] = string.format('%s:%s', tostring(v), math.type(v) or type(v))
  end
  print(table.concat(t, ' '))
end

local vals = { 3, -7, 0, 2.5, -0.5, 4.0, -0.0, 1e300, 1/0, -1/0, math.maxinteger, math.mininteger, 2^53, '10', '2.5', '0x10' }
for _, x in ipairs(vals) do
  show(x + 1, 1 + x, x - 1, 1 - x, x * 2, 2 * x, x / 2, 2 / x)
  show(x + 2.0, 2.0 + x, x - 2.0, 2.0 - x, x * 2.0, 2.0 * x, x / 2.0, 2.0 / x)
  show(x + 0.5, 0.5 + x, x - 0.5, 0.5 - x, x * 0.5, 0.5 * x, x / 0.5, 0.5 / x)
  show(pcall(function() return x % 3, 3 % x, x // 3, 3 // x, x ^ 2, 2 ^ x end))
  show(pcall(function() return x % 3.0, 3.0 % x, x // 3.0, 3.0 // x, x ^ 2.0, 2.0 ^ x end))
  show(pcall(function() return x % -2.5, -2.5 % x, x // 0.5, 0.5 // x, x ^ 0.5, 0.5 ^ x end))
  show(pcall(function() return 1 & x, 3 | x, 5 ~ x, 1 << x, 256 >> x end))
end
show(9007199254740992 + 1, 1 + 9007199254740992, math.maxinteger + 1, 1 + math.maxinteger)
show(-9007199254740992 - 1, 1 - math.mininteger, 3 * math.maxinteger, math.maxinteger * 3)
show(0.0 * -1, -1 * 0.0, -0.0 + 0, 0 + -0.0, 0.0 - 0.0, -0.0 - 0.0)
show(1 % math.huge, -1 % math.huge, 1.0 % -math.huge, 5 // 0.0, -5 // 0.0, 0/0 ~= 0/0)

-- metamethods receive the operands in source order
local mt = {}
for _, ev in ipairs({ 'add', 'sub', 'mul', 'div', 'mod', 'pow', 'idiv', 'band', 'bor', 'bxor', 'shl', 'shr' }) do
  mt['__' .. ev] = function(a, b)
    return ev .. '(' .. (type(a) == 'table' and 'T' or tostring(a)) .. ',' .. (type(b) == 'table' and 'T' or tostring(b)) .. ')'
  end
end
local T = setmetatable({}, mt)
print(T + 1, 1 + T, T - 1, 1 - T, T * 2, 2 * T, T / 2, 2 / T, T % 2, 2 % T, T ^ 2, 2 ^ T, T // 2, 2 // T)
print(T + 1.0, 1.0 + T, T - 1.5, 1.5 - T, T * 2.0, 2.0 * T, T / 2.0, 2.0 / T, T % 2.0, 2.0 % T, T ^ 2.0, 2.0 ^ T)
print(T // 2.0, 2.0 // T, T & 1, 1 & T, T | 1, 1 | T, T ~ 1, 1 ~ T, T << 1, 1 << T, T >> 1, 1 >> T)

-- error messages name the non-constant operand
local function err(f) print(select(2, pcall(f))) end
local up
err(function() local x; return 1 - x end)
err(function() local x; return 2.0 * x end)
err(function() return 2.5 / up end)
err(function() return 1 + {} end)
err(function() return 2.0 - glob end)
err(function() local s = 'abc'; return 1 + s end)
err(function() local s = 'abc'; return 2.0 * s end)
err(function() return 1 & 1.5 end)
err(function() local x = 1.5; return 3 | x end)
err(function() local x = 'a'; return 3 << x end)
err(function() return 1 // 0 end)
err(function() local x = 0; return 1 % x end)
