-- weak tables: entries whose weak key or value is no longer reachable are removed
local function count(t)
  local n = 0
  for _ in pairs(t) do n = n + 1 end
  return n
end

local keep = {}
local wk = setmetatable({}, {__mode = "k"})
wk[keep] = "kept"; wk[{}] = "lost"; wk[1] = {}; wk["s"] = {}
local wv = setmetatable({}, {__mode = "v"})
wv[1] = keep; wv[2] = {}; wv[3] = "a string"; wv[4] = 42; wv.f = function () end; wv.p = print
local wkv = setmetatable({}, {__mode = "kv"})
wkv[keep] = keep; wkv[{}] = 1; wkv[2] = {}; wkv.x = "y"
collectgarbage()
print("k:", count(wk), wk[keep], wk[1] ~= nil, wk.s ~= nil)
print("v:", count(wv), wv[1] == keep, wv[2], wv[3], wv[4], wv.f, wv.p == print)
print("kv:", count(wkv), wkv[keep] == keep, wkv.x)

-- ephemerons: a value that refers only to its own key does not keep it
local e = setmetatable({}, {__mode = "k"})
do
  local k1 = {}
  e[k1] = {k1}
end
e[keep] = {keep}
local k2 = {}
e[k2] = {}
local chain = {}
e[chain] = {}
e[e[chain]] = "reached through the chain"
collectgarbage()
print("ephemerons:", count(e), e[keep][1] == keep, e[k2] ~= nil)

-- closures, coroutines and wrapped functions are collectable
local objs = setmetatable({}, {__mode = "v"})
objs.co = coroutine.create(function () end)
objs.wrap = coroutine.wrap(function () end)
objs.fn = function () return keep end
local held = objs.fn
collectgarbage()
print("objects:", objs.co, objs.wrap, objs.fn == held)

-- a collection also happens by itself while the program allocates
local probe = setmetatable({{}}, {__mode = "v"})
local n = 0
while probe[1] do
  local s = n .. "garbage" .. n
  n = n + 1
end
print("collected automatically:", probe[1], n > 0)

-- values of a running loop stay: a weak table used as a cache
local cache = setmetatable({}, {__mode = "k"})
local live = {}
for i = 1, 100 do
  local key = {i}
  live[i] = key
  cache[key] = i * 2
end
for i = 1, 2000 do local t = {} end
collectgarbage()
local sum = 0
for i = 1, 100 do sum = sum + cache[live[i]] end
print("cache:", count(cache), sum)
