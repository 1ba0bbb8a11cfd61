print("before")
local function f(t) return t.x.y end
f({})
print("not reached")
