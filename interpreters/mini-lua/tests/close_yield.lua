-- to-be-closed variables: close methods that yield, closing order, errors while closing
local function closer(name, log)
  return setmetatable({}, {__close = function (_, err)
    log[#log + 1] = name .. "(" .. tostring(err) .. ")"
    coroutine.yield(name)
  end})
end

-- yields while leaving a block and while returning
local log = {}
local co = coroutine.wrap(function ()
  do
    local a <close> = closer("a", log)
  end
  local b <close> = closer("b", log)
  local c <close> = closer("c", log)
  return "r1", "r2"
end)
print(co(), co(), co(), co())
print(table.concat(log, " "))

-- a close method that is coroutine.yield itself
local co2 = coroutine.wrap(function ()
  local x <close> = setmetatable({}, {__close = coroutine.yield})
  return 1, 2, 3
end)
local v, e = co2()
print(type(v), e)
print(co2())

-- yields while an error unwinds to a pcall; each close sees the current error
log = {}
local co3 = coroutine.wrap(function ()
  return pcall(function ()
    local p <close> = closer("p", log)
    local q <close> = setmetatable({}, {__close = function (_, err)
      log[#log + 1] = "q(" .. tostring(err) .. ")"
      coroutine.yield("q")
      error("replaced", 0)
    end})
    error("first", 0)
  end)
end)
print(co3(), co3(), co3())
print(table.concat(log, " "))

-- during unwinding the close methods' caller is pcall
local function check()
  local x <close> = setmetatable({}, {__close = function ()
    print("caller:", debug.getinfo(2, "n").name)
  end})
  error("boom")
end
print(pcall(check))

-- goto out of loops and blocks closes their variables
local open = 0
local function iter(n)
  open = open + 1
  return function (_, i) if i < n then return i + 1 end end, nil, 0,
    setmetatable({}, {__close = function () open = open - 1 end})
end
for i in iter(3) do
  for j in iter(3) do
    if i + j == 4 then goto done end
  end
end
::done::
print("open after goto:", open)

-- pcall and xpcall of VM builtins can yield
local co4 = coroutine.wrap(function ()
  print("pcall(yield):", pcall(coroutine.yield, "y1"))
  print("xpcall(pcall, ...):", xpcall(pcall, print, coroutine.yield, "y2"))
  return "end"
end)
print(co4())
print(co4("a"))
print(co4("b"))

-- a coroutine killed by an error closes its variables only when closed
local co5 = coroutine.create(function ()
  local z <close> = setmetatable({}, {__close = function (_, err) print("closing z with", err) end})
  error("died", 0)
end)
print(coroutine.resume(co5))
print("before close")
print(coroutine.close(co5))
print(coroutine.close(co5))

-- coroutine.wrap closes at once and the error goes on
local w = coroutine.wrap(function ()
  local z <close> = setmetatable({}, {__close = function (_, err) print("wrap closing with", err) end})
  error("wrapped", 0)
end)
print(pcall(w))
