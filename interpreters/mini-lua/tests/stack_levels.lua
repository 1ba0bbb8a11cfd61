-- debug.getinfo levels count builtins (pcall, sort, error) as PUC does; tracebacks name them
local function where(level)
  local t = debug.getinfo(level + 1, "nSl")
  if t == nil then return "none" end
  return t.what .. ":" .. tostring(t.namewhat) .. ":" .. tostring(t.name) .. ":" .. t.currentline
end

local function inner() return where(1), where(2), where(3) end
print(pcall(inner))
print(select(2, xpcall(inner, print)))
table.sort({2, 1}, function (a, b) print(where(1), where(2), where(3)); return a < b end)

local obj = setmetatable({}, {__index = function (t, k) local r = where(1); return r end})
print(obj.x)
local mt = {__add = function () local r = where(1); return r end, __lt = function () print(where(1)); return true end}
local o = setmetatable({}, mt)
print(o + 1, o < o)
for _ in function () print(where(1)); return nil end do end

-- a tail call has no name; the traceback marks it
local function tailee() return where(1), debug.getinfo(1, "t").istailcall end
local function tailer() return tailee() end
print(tailer())
local function tb() return debug.traceback("msg") end
local function tb_tail() return tb() end
print(tb_tail())

-- error levels
local function lvl2() error("up two", 2) end
local function caller() lvl2() end
print(pcall(caller))
print(pcall(error, "no position"))
print(pcall(error, "level 2", 2))

-- message handlers run at the error point: level 2 is error itself
print(select(2, xpcall(function () error("E") end, function (m) return m .. " / " .. where(2) end)))
print(select(2, xpcall(function () local x = nil; return x.y end, function (m) return where(2) end)))
print(select(2, xpcall(function () error("E") end, debug.traceback)))

-- getinfo of functions, options, coroutines
local info = debug.getinfo(print)
print(info.what, info.short_src, info.currentline, info.linedefined, info.nups)
info = debug.getinfo(where, "SuL")
print(info.what, info.linedefined, info.lastlinedefined, info.nparams, info.isvararg, info.activelines[3])
print(pcall(debug.getinfo, 1, "X"))
print(debug.getinfo(100))
local co = coroutine.create(function (x) coroutine.yield(x) end)
coroutine.resume(co, 1)
print(debug.getinfo(co, 0, "Sn").what, debug.getinfo(co, 1, "l").currentline, debug.getinfo(co, 2))
print(debug.traceback(co))
print(debug.traceback(co, "with message", 1))
