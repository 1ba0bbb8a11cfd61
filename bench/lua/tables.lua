-- Table-heavy code: a sieve of Eratosthenes and array sums, repeated.
local N = tonumber(arg and arg[1]) or 3000000
local function sieve(n)
  local composite = {}
  for i = 1, n do composite[i] = false end
  local primes = 0
  for i = 2, n do
    if not composite[i] then
      primes = primes + 1
      for j = i * i, n, i do composite[j] = true end
    end
  end
  return primes
end
local total = 0
for _ = 1, 3 do total = total + sieve(N) end
local t = {}
for i = 1, N do t[i] = i % 7 end
local s = 0
for i = 1, #t do s = s + t[i] end
print("primes", total, "sum", s)
