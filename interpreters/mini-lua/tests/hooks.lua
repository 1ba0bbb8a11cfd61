-- debug.sethook: call, return, line and count events, per thread
local trace = {}
local function rec(event, line)
  local name = debug.getinfo(2, "n").name
  trace[#trace + 1] = event .. (line and ":" .. line or "") .. (name and " " .. name or "")
end
local function flush()
  print(table.concat(trace, ", "))
  trace = {}
end

local function add(a, b)
  local s = a + b
  return s
end
debug.sethook(rec, "crl")
add(1, 2)
debug.sethook()
flush()

-- builtins get call and return events; sethook's own return is reported
debug.sethook(rec, "cr")
local m = math.max(3, 4)
debug.sethook()
flush()

-- loops report a line event on each jump back
local function loop(n)
  local s = 0
  for i = 1, n do
    s = s + i
  end
  return s
end
debug.sethook(rec, "l")
loop(3)
debug.sethook()
flush()

-- the hook of a coroutine sees only that coroutine; yield returns when resumed
local co = coroutine.create(function (x)
  local y = coroutine.yield(x + 1)
  return y * 2
end)
debug.sethook(co, rec, "crl")
print(coroutine.resume(co, 1))
print(coroutine.resume(co, 5))
flush()
print(debug.gethook(co) == rec, select(2, debug.gethook(co)))
print(debug.gethook())

-- tail calls
local function leaf() return 1 end
local function tail() return leaf() end
debug.sethook(rec, "cr")
tail()
debug.sethook()
flush()

-- count events
local n = 0
debug.sethook(function () n = n + 1 end, "", 1)
loop(10)
debug.sethook()
print(n > 20)

-- return hooks run after the function's to-be-closed variables are closed
local function closing()
  local x <close> = setmetatable({}, {__close = function () trace[#trace + 1] = "closed x" end})
  return 1
end
debug.sethook(rec, "r")
closing()
debug.sethook()
flush()

-- hooks do not run inside hooks; an error in a hook propagates
debug.sethook(function () add(1, 1) end, "c")
add(2, 2)
debug.sethook()
local once = true
print(pcall(function ()
  debug.sethook(function () if once then once = false; error("from hook") end end, "l")
  add(1, 2)
end))
debug.sethook()
