local co = coroutine.create(function(a, b)
  print("start", a, b)
  local c = coroutine.yield(a + b)
  print("got", c)
  local d, e = coroutine.yield(c * 2)
  print("got2", d, e)
  return "end", 99
end)
print(coroutine.status(co))
print(coroutine.resume(co, 1, 2))
print(coroutine.status(co))
print(coroutine.resume(co, 10))
print(coroutine.resume(co, "x", "y"))
print(coroutine.status(co))
print(coroutine.resume(co))
-- generators via wrap
local function gen(n)
  return coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end)
end
for v in gen(5) do io.write(v, " ") end print()
-- errors inside coroutines
local ec = coroutine.create(function() error("inside") end)
print(coroutine.resume(ec))
print(coroutine.status(ec))
local ec2 = coroutine.create(function() error({x = 1}) end)
local ok, e = coroutine.resume(ec2)
print(ok, type(e), e.x)
-- wrap propagates errors
local w = coroutine.wrap(function() error("wrapped error") end)
print(pcall(w))
-- yield across pcall
local pc = coroutine.create(function()
  local ok, v = pcall(function()
    local x = coroutine.yield("from inside pcall")
    return x * 2
  end)
  coroutine.yield(ok, v)
  return "done"
end)
print(coroutine.resume(pc))
print(coroutine.resume(pc, 21))
print(coroutine.resume(pc))
print(coroutine.resume(pc))
-- running / isyieldable
print(coroutine.isyieldable())
local main, ismain = coroutine.running()
print(type(main), ismain)
coroutine.wrap(function()
  print(coroutine.isyieldable())
  local c, m = coroutine.running()
  print(type(c), m, coroutine.status(c))
end)()
-- nested coroutines
local outer = coroutine.wrap(function()
  local inner = coroutine.wrap(function()
    coroutine.yield("inner1")
    coroutine.yield("inner2")
  end)
  coroutine.yield(inner())
  coroutine.yield("outer")
  coroutine.yield(inner())
end)
print(outer(), outer(), outer())
-- status normal
local co1
local co2 = coroutine.create(function() print("co1 status from co2:", coroutine.status(co1)) end)
co1 = coroutine.create(function() coroutine.resume(co2) end)
coroutine.resume(co1)
-- yield from main is an error
print(pcall(coroutine.yield, 1))
-- resume dead
print(coroutine.resume(coroutine.create(function() end)))
local dead = coroutine.create(function() end)
coroutine.resume(dead)
print(coroutine.resume(dead))
-- producer/consumer
local producer = coroutine.create(function()
  for _, item in ipairs({"a", "b", "c"}) do coroutine.yield(item) end
end)
local items = {}
while true do
  local ok, item = coroutine.resume(producer)
  if not item then break end
  items[#items + 1] = item
end
print(table.concat(items, ","))
-- yield across metamethod
local mt = {__index = function(t, k) return coroutine.yield(k) end}
local mco = coroutine.create(function()
  local obj = setmetatable({}, mt)
  return "result: " .. obj.foo
end)
print(coroutine.resume(mco))
print(coroutine.resume(mco, "bar"))
-- close
local cc = coroutine.create(function() coroutine.yield() end)
coroutine.resume(cc)
print(coroutine.close(cc), coroutine.status(cc))
-- wrap with multiple values
local mw = coroutine.wrap(function(...) local a = {...}; while true do a = {coroutine.yield(#a, ...)} end end)
print(mw(1, 2, 3))
print(mw())
-- yield inside for-in iterator
local function iter()
  return coroutine.wrap(function() coroutine.yield(1, "a"); coroutine.yield(2, "b") end)
end
for i, v in iter() do io.write(i, v, " ") end print()
print(select("#", coroutine.resume(coroutine.create(function() return end))))
print(coroutine.resume(coroutine.create(print), "via", "builtin"))
local cw = coroutine.wrap(function() return 1 end)
cw()
print(pcall(cw))
print(pcall(coroutine.resume, 1))
-- table.sort comparator cannot yield
local sco = coroutine.create(function() table.sort({3, 2, 1}, function(a, b) coroutine.yield() return a < b end) end)
print(coroutine.resume(sco))
