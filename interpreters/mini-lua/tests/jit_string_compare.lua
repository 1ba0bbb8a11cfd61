-- String comparisons in a hot loop (the JIT compares strings as strings, not numbers)
local words = { "", "a", "ab", "b", "x", "Z", "aa" }
local counts = { lt = 0, le = 0, gt = 0, ge = 0 }
for i = 1, 60 do
  local a = words[i % #words + 1]
  local b = words[(i * 3) % #words + 1]
  if a < b then counts.lt = counts.lt + 1 end
  if a <= b then counts.le = counts.le + 1 end
  if a > b then counts.gt = counts.gt + 1 end
  if a >= b then counts.ge = counts.ge + 1 end
end
print(counts.lt, counts.le, counts.gt, counts.ge)
for i = 1, 30 do
  if not (table.concat({}, ",") < "x") then print("wrong at", i) end
end
print("done")
