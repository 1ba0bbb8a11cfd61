-- pcall of erroring builtins and closures inside hot loops (a residual call that hands back the current frame).
local function bad(x) error(x) end
local n = 0
for i = 1, 300 do local ok, e = pcall(bad, i) if not ok then n = n + e end end
print(n)
for i = 1, 300 do local ok, e = pcall(error, i) if not ok then n = n + e end end
print(n)
for i = 1, 300 do local ok, e = pcall(string.rep) if not ok then n = n + 1 end end
print(n)
local t = {}
for i = 1, 300 do local ok, e = pcall(function() return t.x.y end) if not ok then n = n + 1 end end
print(n)
