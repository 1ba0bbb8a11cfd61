for i = 1, 3 do io.write(i, " ") end print()
for i = 3, 1, -1 do io.write(i, " ") end print()
for i = 1, 0 do io.write("never") end print("empty")
for i = 1.0, 2.0, 0.5 do io.write(i, " ") end print()
for i = 1, 2.5 do io.write(i, " ") end print()
for i = 10, 1, -3 do io.write(i, " ") end print()
for i = math.maxinteger - 2, math.maxinteger do io.write(i, " ") end print()
for i = math.mininteger, math.mininteger + 2 do io.write(i, " ") end print()
for i = 1, 3 do local x = i * 2; if x == 4 then break end io.write(x, " ") end print()
local i = 0
while true do i = i + 1; if i > 5 then break end end
print(i)
repeat i = i - 1 until i <= 0
print(i)
-- nested break
for a = 1, 3 do
  for b = 1, 3 do
    if b == 2 then break end
    io.write(a, ":", b, " ")
  end
end
print()
-- goto continue
for k = 1, 5 do
  if k % 2 == 0 then goto continue end
  io.write(k, " ")
  ::continue::
end
print()
-- if/elseif chains
local function classify(n)
  if n < 0 then return "neg" elseif n == 0 then return "zero" elseif n < 10 then return "small" else return "big" end
end
print(classify(-1), classify(0), classify(5), classify(50))
-- and/or values
print(1 and 2, nil and 1, false or "x", nil or false, 1 or error("no"))
print(nil and nil or "d", (1 < 2) and "yes" or "no")
local t = nil
print(t and t.x or "default")
-- loop var modification does not affect iteration
for q = 1, 3 do q = q * 10; io.write(q, " ") end print()
-- generic for with custom iterator
local function range(n)
  return function(_, c) if c < n then return c + 1 end end, nil, 0
end
for v in range(4) do io.write(v, " ") end print()
-- numeric for with float step accumulations
local cnt = 0
for f = 0, 1, 0.1 do cnt = cnt + 1 end
print(cnt)
-- while with complex conditions
local x, y = 0, 10
while x < 5 and y > 5 do x = x + 1; y = y - 1 end
print(x, y)
-- do block scoping
local v = 1
do local v = 2; print(v) end
print(v)
print(pcall(function() for i = 1, 10, 0 do end end))
print(pcall(function() for i = 1, "x" do end end))
print(pcall(function() for i = "a", 2 do end end))
for i = 3, 1 do print("no") end
for i = -1, -3, -1 do io.write(i, " ") end print()
