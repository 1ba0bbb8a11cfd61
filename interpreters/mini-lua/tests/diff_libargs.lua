-- Library edge cases where mini-lua differed from PUC 5.4.4 (found by the random
-- differential test and a grid of odd arguments around it).
-- Errors the VM raises inside a builtin (indexing, length, comparison, next, rawset)
-- carry no position:
print(pcall(function() return math.max(1, "x") end))
print(pcall(function() table.sort({1, "x"}) end))
print(pcall(function() local x = table.unpack(nil) return x end))
print(pcall(function() for _ in ipairs(5) do end end))
print(pcall(function() return next({}, 1) end))
print(pcall(function() return rawset({}, nil, 1) end))
print(pcall(function() return rawset({}, 0/0, 1) end))
print(pcall(function() local t = setmetatable({}, {__index = 5}) return table.concat(t, ",", 1, 1) end))
-- ... while the same errors in Lua code have one:
print(pcall(function() local a = {} a[nil] = 1 end))
-- math.tointeger converts strings; math.abs and math.fmod of strings are floats;
-- fmod checks its second argument first:
print(math.tointeger("10"), math.tointeger("0x10"), math.tointeger("1.0"), math.tointeger(" 5 "), math.tointeger("x"), math.tointeger({}))
print(pcall(math.tointeger))
print(math.abs("10"), math.abs("-1.5"), math.abs(-3), math.fmod("7", "3"), math.fmod(7, 3), math.fmod(-7, 3.0))
print(pcall(math.fmod, nil, nil))
print(pcall(math.fmod, "x", {}))
-- rawlen names the type; table.remove takes nil as no position, and blames #1:
print(pcall(rawlen, 5))
print(pcall(rawlen))
print(pcall(table.remove, {}, nil))
print(pcall(table.remove, {1, 2}, 7))
