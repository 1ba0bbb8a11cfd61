-- String building and patterns: concatenation, table.concat, gsub, find, format.
local n = tonumber(arg and arg[1]) or 400000
local parts = {}
for i = 1, n do parts[#parts + 1] = string.format("item%d=%d;", i, i * 3) end
local s = table.concat(parts)
local count = 0
for k, v in s:gmatch("item(%d+)=(%d+);") do
  if tonumber(v) % 2 == 0 then count = count + 1 end
end
local replaced = s:gsub("item", "x")
local acc = ""
for i = 1, 2000 do acc = acc .. tostring(i % 10) end
print(#s, count, #replaced, #acc, s:find("item5000="))
