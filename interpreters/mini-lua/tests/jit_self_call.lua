-- Hot loops that call the function they are in (so the callee's frame has the
-- loop's shape and the trace follows it). Found by the random differential test:
-- the result a callee returned into the looping frame was lost, once when the
-- return went through the callee's parent field, once when a residual helper
-- (a tail call of a builtin, a multiple return) wrote it.
local function f(v)
  if v ~= 0 then return v end
  local s = 0
  for i = 1, 20 do s = s + f(i) end
  return s
end
print(f(0))

local function show(v)
  if type(v) ~= "table" then return tostring(v) end
  local s = ""
  for _, x in pairs(v) do s = s .. show(x) .. "," end
  return "{" .. s .. "}"
end
for _ = 1, 8 do print(show({1, {2, {3}}, 4})) end

local function two(v, d)
  if d == 0 then return v, -v end
  local s = 0
  for i = 1, 6 do
    local a, b = two(i, d - 1)
    s = s + a * 2 + b
  end
  return s, d
end
print(two(0, 3))

local function tail(n)
  if n > 0 then return math.abs(n) end
  local t = {}
  for i = 1, 30 do t[#t + 1] = tail(i) end
  return table.concat(t, " ")
end
print(tail(0))
