-- More regression cases from the official test suite (errors, calls, events, coroutine, closure).

-- metamethods that are not callable; __name in type errors
do
  local a = setmetatable({}, {__add = 34, __lt = {}, __len = 4, __concat = 5, __unm = 6, __eq = 7, __call = 8})
  print(pcall(function () return a + 1 end))
  print(pcall(function () return a < a end))
  print(pcall(function () return #a end))
  print(pcall(function () return a .. "x" end))
  print(pcall(function () return -a end))
  print(pcall(function () return a == setmetatable({}, getmetatable(a)) end))
  print(pcall(function () return a() end))
  local XX = setmetatable({}, {__name = "My Type"})
  print(pcall(function () return XX + 1 end))
  print(pcall(function () return XX < XX end))
  print(pcall(function () return {} < XX end))
  print(pcall(function () return XX < io.stdin end))
  print(pcall(function () return ~io.stdin end))
  print(pcall(function () for i = io.stdin, 10 do end end))
end

-- error lines: generic-for calls on the line of the explist, calls on the line where the
-- called expression starts
do
  local function lineerror (s) print(select(2, pcall(load(s)))) end
  lineerror("\n local a \n for k,v in 3 \n do \n print(k) \n end")
  lineerror("\n\n for k,v in \n 3 \n do \n print(k) \n end")
  lineerror("a\n(\n23)\n")
  lineerror("local a = {x = 13}\na\n.\nx\n(\n23\n)")
  lineerror("local a = {x = 13}\na\n.\nx\n(\n23 + a\n)")
end

-- message handlers: errors in the handler, tail calls, stack overflows
do
  print(xpcall(error, error))
  local n = 0
  print(xpcall(function () error("x") end, function (m) n = n + 1; if n < 5 then error("y" .. n) end; return m end))
  local function f0 () error("a") end
  local aux = function () return f0() end
  print(xpcall(aux, aux))
  local function f (x)
    if x == 0 then error("a\n")
    else
      local g = function () return f(x - 1) end
      return xpcall(g, g)
    end
  end
  print(f(1))
  print(f(2))
  print(f(3))
  local function loop (x) return 1 + loop(x) end
  print(xpcall(loop, function (m)
    local ok, inner = pcall(loop)
    return tostring(string.find(m, "stack overflow") ~= nil) .. " / " .. inner
  end))
end

-- parser limits
do
  -- (PUC's "C stack overflow" message carries a traceback: print only its start)
  local function limit (s) local f, msg = load(s); print(f ~= nil, msg and string.match(msg, "[^\n]*")) end
  limit("return " .. string.rep("(", 100) .. "2" .. string.rep(")", 100))
  limit("return " .. string.rep("(", 500))
  limit("local a; a" .. string.rep(",a", 500))
  limit(string.rep("do ", 500))
  local s = "\nfunction foo ()\n  local "
  for j = 1, 300 do s = s .. "a" .. j .. ", " end
  limit(s .. "b\n")
  print(pcall(table.unpack, {}, 1, 1e6))
end

-- debug: source of loaded chunks, upvalue ids of builtins, user values, type metatables
do
  print(debug.getinfo(load("return 1", "modname")).source)
  print(debug.getinfo(load("return 1", "=name")).source, debug.getinfo(load("return 1")).short_src)
  print(debug.upvalueid(string.gmatch("x", "x"), 1) ~= nil, debug.upvalueid(string.gmatch("x", "x"), 4))
  print(pcall(debug.setuservalue, debug.upvalueid(function () return debug end, 1), {}))
  print(debug.getuservalue(io.stdout), debug.setuservalue(io.stdout, 1))
  print(select("#", pcall(getmetatable(io.stdin).__gc)))
  local mt = {__index = function (a, b) return a + b end, __len = function (x) return math.floor(x) end}
  debug.setmetatable(10, mt)
  print(getmetatable(-2) == mt, (10)[3], #3.45)
  debug.setmetatable(23, nil)
  print(getmetatable(-2))
  debug.setmetatable(nil, {__index = function () return 1 end})
  local none = nil
  print(none.x)
  debug.setmetatable(nil, nil)
  debug.setmetatable(print, {__index = function (f, k) return k end})
  print(print.hello)
  debug.setmetatable(print, nil)
end

-- coroutine.close: close methods run in the coroutine; a death by error is reported once
do
  local co
  co = coroutine.create(function ()
    local x <close> = setmetatable({}, {__close = function ()
      print(coroutine.status(co), pcall(coroutine.close, co))
    end})
    coroutine.yield(20)
  end)
  print(coroutine.resume(co))
  print(coroutine.close(co))
  co = coroutine.create(error)
  print(coroutine.resume(co, 100))
  print(coroutine.close(co))
  print(coroutine.close(co))
  co = coroutine.create(function ()
    local a <close> = setmetatable({}, {__close = function (_, e) print("a", e) end})
    local b <close> = setmetatable({}, {__close = function (_, e) print("b", e); error("B", 0) end})
    local c <close> = setmetatable({}, {__close = function (_, e) print("c", e) end})
    coroutine.yield()
  end)
  coroutine.resume(co)
  print(coroutine.close(co))
end
