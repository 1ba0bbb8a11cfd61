local function counter()
  local n = 0
  return function() n = n + 1; return n end
end
local c1, c2 = counter(), counter()
print(c1(), c1(), c1(), c2())

local fns = {}
for i = 1, 5 do fns[i] = function() return i end end
local s = ""
for i = 1, 5 do s = s .. fns[i]() end
print(s)

local gs = {}
for _, v in ipairs({"a", "b", "c"}) do gs[#gs + 1] = function() return v end end
print(gs[1](), gs[2](), gs[3]())

local ws = {}
local j = 0
while j < 3 do
  j = j + 1
  local k = j * 10
  ws[j] = function() k = k + 1; return k end
end
print(ws[1](), ws[1](), ws[2](), ws[3]())

-- shared upvalue between two closures
local function pair()
  local v = 0
  local function get() return v end
  local function set(x) v = x end
  return get, set
end
local get, set = pair()
set(99)
print(get())

-- nested closures three levels
local function outer(a)
  return function(b)
    return function(c) return a + b + c end
  end
end
print(outer(1)(2)(3))

-- recursive local function
local function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end
print(fact(20), fact(21))

-- repeat-until sees body locals
local r = 0
repeat local done = r >= 3; r = r + 1 until done
print(r)

-- upvalue captured in loop then modified after
local acc = {}
for i = 1, 3 do
  local x = i
  acc[i] = function() return x end
  x = x * 100
end
print(acc[1](), acc[2](), acc[3]())

-- parameters captured
local function mk(p) return function() p = p + 1 return p end end
local m = mk(10)
print(m(), m())

-- goto loop with closures gets fresh locals
local cl = {}
do
  local i = 1
  ::top::
  local y = i
  cl[i] = function() return y end
  i = i + 1
  if i <= 3 then goto top end
end
print(cl[1](), cl[2](), cl[3]())
