-- Numeric loops: a Mandelbrot set rendered to a checksum (floats, nested loops).
local N = tonumber(arg and arg[1]) or 1000
local iterations = 50
local count = 0
for y = 0, N - 1 do
  local ci = 2.0 * y / N - 1.0
  for x = 0, N - 1 do
    local cr = 2.0 * x / N - 1.5
    local zr, zi = 0.0, 0.0
    local inside = true
    for _ = 1, iterations do
      local zr2, zi2 = zr * zr, zi * zi
      if zr2 + zi2 > 4.0 then inside = false break end
      zi = 2.0 * zr * zi + ci
      zr = zr2 - zi2 + cr
    end
    if inside then count = count + 1 end
  end
end
print("points inside", count)
