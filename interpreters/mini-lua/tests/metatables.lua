local V = {}
V.__index = V
local function vec(x, y) return setmetatable({x = x, y = y}, V) end
V.__add = function(a, b) return vec(a.x + b.x, a.y + b.y) end
V.__sub = function(a, b) return vec(a.x - b.x, a.y - b.y) end
V.__mul = function(a, b)
  if type(a) == "number" then return vec(a * b.x, a * b.y) end
  if type(b) == "number" then return vec(a.x * b, a.y * b) end
  return a.x * b.x + a.y * b.y
end
V.__unm = function(a) return vec(-a.x, -a.y) end
V.__eq = function(a, b) return a.x == b.x and a.y == b.y end
V.__lt = function(a, b) return a.x < b.x end
V.__le = function(a, b) return a.x <= b.x end
V.__tostring = function(a) return "(" .. a.x .. "," .. a.y .. ")" end
V.__len = function(a) return 2 end
V.__concat = function(a, b) return tostring(a) .. "|" .. tostring(b) end
V.__call = function(self, k) return self[k] end
V.__idiv = function(a, b) return "idiv" end
V.__mod = function(a, b) return "mod" end
V.__div = function(a, b) return "div" end
V.__pow = function(a, b) return "pow" end
V.__band = function(a, b) return "band" end
V.__bor = function(a, b) return "bor" end
V.__bxor = function(a, b) return "bxor" end
V.__shl = function(a, b) return "shl" end
V.__shr = function(a, b) return "shr" end
V.__bnot = function(a) return "bnot" end
function V:norm2() return self.x * self.x + self.y * self.y end
local a, b = vec(1, 2), vec(3, 4)
print(tostring(a + b), tostring(a - b), a * b, tostring(2 * a), tostring(a * 3), tostring(-a))
print(a == vec(1, 2), a ~= b, a < b, a <= b, a > b, a >= b, #a)
print(a .. b, a .. "s", "s" .. a, a("x"), a:norm2())
print(a // b, a % b, a / b, a ^ b, a & b, a | b, a ~ b, a << b, a >> b, ~a)
print(1 & a, "x" .. a)
-- __index function and chains
local base = {greet = function() return "hi" end}
local mid = setmetatable({}, {__index = base})
local obj = setmetatable({}, {__index = mid})
print(obj.greet(), obj.missing)
local dyn = setmetatable({}, {__index = function(t, k) return k .. "!" end})
print(dyn.foo, dyn[1], rawget(dyn, "foo"))
-- __newindex
local log = {}
local prox = setmetatable({}, {__newindex = function(t, k, v) rawset(t, k, v * 2); log[#log + 1] = k end})
prox.a = 1; prox.b = 2; prox.a = 10
print(prox.a, prox.b, #log)
local store = {}
local redirect = setmetatable({}, {__newindex = store})
redirect.x = 5
print(rawget(redirect, "x"), store.x)
-- __eq not called for different types or same object
local eqc = 0
local E = {__eq = function() eqc = eqc + 1 return true end}
local e1, e2 = setmetatable({}, E), setmetatable({}, E)
print(e1 == e2, e1 == e1, e1 == 1, eqc)
-- __lt with mixed
print(pcall(function() return a < 1 end))
-- __metatable protection
local prot = setmetatable({}, {__metatable = "locked"})
print(getmetatable(prot), pcall(setmetatable, prot, {}))
-- __close
do
  local res <close> = setmetatable({}, {__close = function(o, e) print("closing", e) end})
  print("in block")
end
print(pcall(function()
  local r <close> = setmetatable({}, {__close = function(o, e) print("close on error:", e) end})
  error("oops", 0)
end))
-- __pairs
local pp = setmetatable({}, {__pairs = function(t) return function(_, k) if not k then return 1, "one" end end, t, nil end})
for k, v in pairs(pp) do print(k, v) end
-- __name in tostring error
local named = setmetatable({}, {__name = "MyType"})
print((tostring(named):gsub("0x%x+", "ADDR")))
-- string metatable
print(("x"):rep(3), ("%d"):format(5), #("abc"), ("abc"):upper())
print(getmetatable("").__index == string)
-- rawequal, rawlen
print(rawequal(a, a), rawequal(a, vec(1, 2)), rawlen({1, 2, 3}), rawlen("abcd"))
-- inheritance
local Animal = {}
Animal.__index = Animal
function Animal.new(name) return setmetatable({name = name}, Animal) end
function Animal:speak() return self.name .. " makes a sound" end
local Dog = setmetatable({}, {__index = Animal})
Dog.__index = Dog
function Dog.new(name) local d = Animal.new(name); return setmetatable(d, Dog) end
function Dog:speak() return self.name .. " barks" end
print(Animal.new("cat"):speak(), Dog.new("rex"):speak())
-- __index on missing method with __call
local callable = setmetatable({}, {__call = function(self, a, b) return a + b end})
print(callable(3, 4), pcall(callable, 1, 2))
-- __len used by #
local lenobj = setmetatable({1, 2, 3}, {__len = function() return 42 end})
print(#lenobj, rawlen(lenobj))
-- __concat with numbers
local C = setmetatable({}, {__concat = function(x, y) return "C" end})
print(1 .. C, C .. 1)
-- __unm __len on tables via metamethods returning multiple values are truncated
print(-setmetatable({}, {__unm = function() return 1, 2 end}))
-- __index on numbers
print(pcall(function() local n = 5; return n.x end))
