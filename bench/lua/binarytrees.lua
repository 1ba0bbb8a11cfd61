-- Allocation-heavy recursion: the binary-trees benchmark.
local function bottomUp(depth)
  if depth == 0 then return {} end
  depth = depth - 1
  return { bottomUp(depth), bottomUp(depth) }
end
local function check(tree)
  if tree[1] then return 1 + check(tree[1]) + check(tree[2]) end
  return 1
end
local N = tonumber(arg and arg[1]) or 14
local maxdepth = math.max(6, N)
local stretch = maxdepth + 1
print("stretch tree of depth " .. stretch .. "\t check: " .. check(bottomUp(stretch)))
local long = bottomUp(maxdepth)
for d = 4, maxdepth, 2 do
  local iters = 2 ^ (maxdepth - d + 4)
  local c = 0
  for _ = 1, iters do c = c + check(bottomUp(d)) end
  print(string.format("%d\t trees of depth %d\t check: %d", iters, d, c))
end
print("long lived tree of depth " .. maxdepth .. "\t check: " .. check(long))
