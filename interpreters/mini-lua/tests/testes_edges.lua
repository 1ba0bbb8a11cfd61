-- Edge cases found by the official test suite (testes/): exact error texts, 64-bit indices, debug info.
print(select(2, load("x = 1 +")))
print(select(2, load("goto l1; local a = 1; ::l1:: print(a)")))
print(select(2, load("local x <const> = 1; x = 2")))
print(tonumber('  +1Z  ', 36), tonumber('  -10  ', 36), tonumber('10', 36))
local f = ipairs{}
print(pcall(f, {[math.mininteger] = 10}, math.maxinteger))
print(pcall(table.unpack, {[math.maxinteger - 1] = 12, [math.maxinteger] = 23}, math.maxinteger - 1, math.maxinteger))
local g = utf8.codes("")
print(pcall(g, "", 2), pcall(g, "", -1))
print(pcall(load, "\1=1", ""))
print((tostring(print):gsub("0x%x+", "ADDR")))
function F(a) local i = debug.getinfo(1, "n") return i.name, i.namewhat end
local function g() local i = debug.getinfo(1, "n") return i.name, i.namewhat end
local t = {m = function(self) local i = debug.getinfo(1, "n") return i.name, i.namewhat end}
print(F(1)); print(g()); print(t:m()); print(t.m(t))
print(select('#', debug.upvalueid(g, 1)))
print(select(2, load("local foo <const> = 10; function foo() end")))
print(select(2, load("local x <close> = nil\nx = io.open()")))
print(select(2, load("repeat if x then goto cont end local xuxu = 10 ::cont:: until xuxu < x")) ~= nil)
local function counter() local n = 0 return function() n = n + 1 return n end, function() return n end end
local inc, get = counter()
print(debug.upvalueid(inc, 1) == debug.upvalueid(get, 1), debug.setupvalue(get, 1, 41), inc())
local inc2 = counter()
debug.upvaluejoin(inc2, 1, inc, 1)
print(inc2(), get())
for i, v in ipairs({10, 20}) do io.write(i, '=', v, ' ') end print()
