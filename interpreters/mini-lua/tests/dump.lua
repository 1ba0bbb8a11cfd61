-- string.dump and loading binary chunks
local s = string.dump(function (a, b) return a * b + 1 end)
print(s:sub(1, 4) == "\27Lua", string.byte(s, 5))
print(load(s)(6, 7))

-- mode checks look at the first byte
print(load(s, "bin", "t"))
print(load("return 1", "txt", "b"))
print(load(s, "bin", "bt") ~= nil)

-- constants of every kind survive
local k = load(string.dump(function ()
  return nil, true, false, 42, -7, math.mininteger, 2.5, 3.0, -0.0, 1/0, ("a\0b\255"):byte(1, -1)
end))
print(k())

-- fresh upvalues: the first one gets the env given to load
local up1, up2 = 1, 2
local function uses() return up1, up2 end
local u = load(string.dump(uses), "u", "b", "ENV")
print(u())
print(debug.getupvalue(u, 1), debug.getupvalue(u, 2))
debug.setupvalue(u, 2, "two")
print(u())

-- nested functions and their own upvalues keep working
local maker = load(string.dump(function ()
  local n = 0
  return function () n = n + 1; return n end
end))
local c = maker()
c(); c()
print(c())

-- the chunk's source and lines are kept; stripped chunks have none
local function bad(t) return t + 1 end
local kept = load(string.dump(bad))
print(pcall(kept, {}))
print(debug.getinfo(kept).source == debug.getinfo(bad).source)
local stripped = load(string.dump(bad, true))
print(pcall(stripped, {}))
print(debug.getinfo(stripped).source, debug.getinfo(stripped).short_src)

-- bad chunks
print(load(s:sub(1, 10)))
print(load(s:sub(1, 30), "=name"))
print(load("\27Lux" .. s:sub(5)))
print(pcall(string.dump, print))
print(pcall(string.dump, {}))

-- a reader that fails makes load fail with its message (inside pcall, where PUC
-- does not run lua.c's message handler on it)
print(pcall(load, function () error("reader broke") end))
print(select("#", pcall(load, function () error({}) end)))

-- loadfile and dofile read binary chunks too
local name = os.tmpname()
local f = io.open(name, "wb")
f:write(string.dump(function (...) return select("#", ...), ... end))
f:close()
print(loadfile(name)(1, 2, 3))
print(dofile(name))
print(loadfile(name, "t"))
os.remove(name)
print(loadfile("no_such_file.lua"))
