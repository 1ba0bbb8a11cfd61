local Account = {}
Account.__index = Account
function Account.new(owner, balance)
  local self = setmetatable({}, Account)
  self.owner = owner
  self.balance = balance or 0
  return self
end
function Account:deposit(v) self.balance = self.balance + v; return self end
function Account:withdraw(v)
  if v > self.balance then error("insufficient funds", 2) end
  self.balance = self.balance - v
end
function Account:__tostring() return self.owner .. ": " .. self.balance end
local a = Account.new("ann", 100)
a:deposit(50):deposit(25)
print(tostring(a), a.balance)
print(pcall(a.withdraw, a, 1000))
a:withdraw(75)
print(a.balance)
-- class hierarchy with super calls
local Shape = {}
Shape.__index = Shape
function Shape.new(name) return setmetatable({name = name}, Shape) end
function Shape:area() return 0 end
function Shape:describe() return self.name .. " with area " .. string.format("%.2f", self:area()) end
local Circle = setmetatable({}, {__index = Shape})
Circle.__index = Circle
function Circle.new(r) local c = Shape.new("circle"); c.r = r; return setmetatable(c, Circle) end
function Circle:area() return math.pi * self.r ^ 2 end
local Rect = setmetatable({}, {__index = Shape})
Rect.__index = Rect
function Rect.new(w, h) local o = Shape.new("rect"); o.w, o.h = w, h; return setmetatable(o, Rect) end
function Rect:area() return self.w * self.h end
local shapes = {Circle.new(1), Rect.new(2, 3), Shape.new("blob")}
for _, s in ipairs(shapes) do print(s:describe()) end
-- closures-based objects
local function Stack()
  local items = {}
  local self = {}
  function self.push(v) items[#items + 1] = v end
  function self.pop() local v = items[#items]; items[#items] = nil; return v end
  function self.size() return #items end
  return self
end
local st = Stack()
st.push(1); st.push(2); st.push(3)
print(st.pop(), st.size())
-- method call on result
local obj = {val = 5, get = function(self) return self.val end}
print(obj:get(), obj.get(obj), obj["get"](obj))
-- varargs method
function obj:sum(...) local s = self.val; for _, v in ipairs({...}) do s = s + v end; return s end
print(obj:sum(1, 2, 3))
-- string methods chain
print(("  Hello  "):gsub("^%s+", ""):gsub("%s+$", ""):upper())
