-- Coroutines: generators that yield a stream of numbers, consumed in a loop.
local function range(n)
  return coroutine.wrap(function()
    for i = 1, n do coroutine.yield(i) end
  end)
end
local function squares(gen)
  return coroutine.wrap(function()
    for v in gen do coroutine.yield(v * v) end
  end)
end
local total = 0
local rounds = tonumber(arg and arg[1]) or 400
for _ = 1, rounds do
  for v in squares(range(10000)) do total = total + v % 1000 end
end
print("total", total)
