-- Names in error messages that the random differential test found missing:
-- values in parentheses keep their name; integer-constant keys 0..255 are
-- "field 'integer index'", other non-string keys "field '?'" (PUC 5.4's GETI/GETTABLE).
local t = {{}}
local k = 2
local s = "zz"
print(pcall(function() return (math.maxinteger):upper(0) end))
print(pcall(function() return (t[k]).x end))
print(pcall(function() return ((s)).x.y end))
print(pcall(function() return ~t[1] end))
print(pcall(function() return t[1][2] + 1 end))
print(pcall(function() return t[255] + 1 end))
print(pcall(function() return t[0] .. "" end))
print(pcall(function() return t[256] + 1 end))
print(pcall(function() return t[-1] + 1 end))
print(pcall(function() return t[2.0] + 1 end))
print(pcall(function() return t[1.5] + 1 end))
print(pcall(function() return t[k] + 1 end))
print(pcall(function() return t[s] + 1 end))
print(pcall(function() return t[true] + 1 end))
print(pcall(function() return #t[2] end))
print(pcall(function() return t[2]() end))
print(pcall(function() t[3].x = 1 end))
print(pcall(function() t[k].x = 1 end))
print(pcall(function() return (t[1]:m()) end))
