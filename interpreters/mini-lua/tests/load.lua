local f = load("return 1 + 2")
print(f())
print(load("syntax error here"))
print(load("return ...", "chunk", "t")(1, 2))
local env = {x = 5}
local g = load("return x", "env chunk", "t", env)
print(g())
local parts = {"return ", "4", "2"}
local i = 0
print(load(function() i = i + 1; return parts[i] end)())
print(pcall(load("error('in loaded')")))
print(pcall(load("error('in loaded named')", "=mychunk")))
print(pcall(load("local x = nil; return x.y", "@file.lua")))
print(load("return 1", "x", "b"))
local fn = load("local a, b = ... return a * b")
print(fn(6, 7))
x_global = 10
print(load("x_global = x_global + 1; return x_global")())
print(x_global)
local m = require("mod_helper")
print(m.greet("lua"), package.loaded["mod_helper"] == m, require("mod_helper") == m)
print(pcall(require, "nonexistent_module_xyz") == false)
print(type(package.path), type(package.loaded), package.loaded.string == string)
print(_G.print == print, _G._G == _G, _VERSION)
local chunk = load("return _ENV")
print(chunk() == _G)
local sandbox = load("y = 1", "sb", "t", {})
sandbox()
print(y)
do
  local _ENV = {print = print}
  z = 5
  print(z)
end
print(z)
print(dofile("mod_dofile.lua"))
