-- Regression cases from the official test suite (math, sort, nextvar, locals, calls).

-- math.deg / math.rad
print(math.deg(math.pi), math.rad(180) == math.pi, math.type(math.deg(1)))

-- math.randomseed() returns the two seeds it used; they reproduce the sequence
do
  local x, y = math.randomseed()
  print(math.type(x), math.type(y))
  local r = math.random(0)
  math.randomseed(x, y)
  print(math.random(0) == r)
end

-- table.move with indices at the 64-bit limits
do
  local maxI, minI = math.maxinteger, math.mininteger
  local a = table.move({[maxI - 2] = 1, [maxI - 1] = 2, [maxI] = 3}, maxI - 2, maxI, -10, {})
  print(a[-10], a[-9], a[-8])
  a = table.move({[minI] = 1, [minI + 1] = 2, [minI + 2] = 3}, minI, minI + 2, -10, {})
  print(a[-10], a[-9], a[-8])
  a = table.move({45}, 1, 1, maxI)
  print(a[1], a[maxI])
  a = table.move({[maxI] = 100}, maxI, maxI, minI)
  print(a[minI], a[maxI])
  print(pcall(table.move, {}, 1, maxI, 2))
  print(pcall(table.move, {}, -1, maxI, 2))
  print(pcall(table.move, 1, 2, 3, 4))
  local pos1, pos2
  local t = setmetatable({}, {
    __index = function (_, k) pos1 = k end,
    __newindex = function (_, k) pos2 = k; error() end})
  print(pcall(table.move, t, 1, maxI, 0), pos1, pos2)
end

-- table.insert after a __len of maxinteger wraps around
do
  local t = setmetatable({}, {__len = function () return math.maxinteger end})
  table.insert(t, 20)
  local k, v = next(t)
  print(k == math.mininteger, v)
end

-- pairs: a Lua __pairs may yield; pairs accepts any value
do
  local t = setmetatable({10, 20, 30}, {__pairs = function (t)
    local inc = coroutine.yield()
    return function (t, i)
      if i > 1 then return i - inc, t[i - inc] end
    end, t, #t + 1
  end})
  local res = {}
  local co = coroutine.wrap(function ()
    for _, p in pairs(t) do res[#res + 1] = p end
  end)
  co()
  co(1)
  print(table.concat(res, ","))
  local mt = {__pairs = function () return 1, 2, 3, 4 end}
  print(pairs(setmetatable({}, mt)))
  print(select("#", pairs(setmetatable({}, mt))))
  local a, b, c, d, e = pairs(setmetatable({}, mt))
  print(a, b, c, d, e)
  print(select("#", pcall(pairs, 1)))
  print(pcall(pairs))
end

-- the 4th value of a generic for is closed when the loop ends
do
  local x = setmetatable({}, {__close = function () print("closed") end})
  local function iter () return (function () return nil end), nil, nil, x end
  for _ in iter() do end
  print("after normal end")
  local function counter ()
    local i = 0
    return function () i = i + 1; if i < 3 then return i end end, nil, nil, x
  end
  for k in counter() do if k == 2 then break end end
  print("after break")
  local function f () for k in counter() do return k end end
  print(f())
  print(pcall(function () for _ in next, {}, nil, 42 do end end))
end

-- a __close metamethod removed after the declaration
do
  local function foo ()
    local xyz <close> = setmetatable({}, {__close = print})
    getmetatable(xyz).__close = nil
  end
  print(pcall(foo))
  local function bar ()
    local a2 <close> = setmetatable({}, {__close = print})
    getmetatable(a2).__close = 4
    error("x")
  end
  print(pcall(bar))
  print(pcall(function () local v <close> = 42 end))
end

-- a message handler runs even after a stack overflow
do
  local function overflow (n) overflow(n + 1) end
  local function handler (m) return "handled: " .. tostring(string.find(m, "stack overflow") ~= nil) end
  print(xpcall(overflow, handler, 0))
end

-- long chains of __call
do
  local n = 0
  local function foo (...) n = n + 1; return select("#", ...) end
  for _ = 1, 100 do foo = setmetatable({}, {__call = foo}) end
  print(foo())
  local loop = setmetatable({}, {})
  getmetatable(loop).__call = loop
  print(pcall(loop))
end
