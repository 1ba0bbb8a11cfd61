-- Hello from mini-lua: a few Lua 5.4 features in one place.
local function greet(name) return ("Hello, %s!"):format(name) end
print(greet("metajit"))

-- integers and floats are different subtypes, as in Lua 5.4
print(7 // 2, 7 / 2, math.maxinteger + 1 == math.mininteger)

-- closures, varargs and multiple returns
local function counter()
  local n = 0
  return function(...) n = n + select("#", ...) return n end
end
local c = counter()
c(1, 2) c(3)
print("counted", c())

-- metatables
local V = {}
V.__index = V
V.__add = function(a, b) return setmetatable({ x = a.x + b.x }, V) end
V.__tostring = function(v) return "V(" .. v.x .. ")" end
print(tostring(setmetatable({ x = 1 }, V) + setmetatable({ x = 2 }, V)))

-- a hot loop: the JIT traces and compiles it
local sum = 0
for i = 1, 1000000 do sum = sum + i % 7 end
print("sum", sum)
