do
  local i = 1
  ::a::
  if i <= 3 then io.write(i, " "); i = i + 1; goto a end
  print()
end
for i = 1, 3 do
  for j = 1, 3 do
    if j == 2 then goto next_i end
    io.write(i, j, " ")
  end
  ::next_i::
end
print()
do
  goto skip
  print("skipped")
  ::skip::
  print("after skip")
end
local function f(n)
  if n > 0 then goto pos end
  do return "nonpos" end
  ::pos::
  return "pos"
end
print(f(1), f(-1))
print(load("goto nowhere"))
print(load("::l:: ::l::"))
print(load("goto f; local x; ::f:: print(x)"))
print(load("do goto f; local x end ::f::") ~= nil)
print(load("break"))
-- while with goto continue
local k = 0
while k < 5 do
  k = k + 1
  if k == 3 then goto cont end
  io.write(k, " ")
  ::cont::
end
print()
