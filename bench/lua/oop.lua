-- OOP with metatables and method calls: 2D vectors and a particle simulation.
local Vec = {}
Vec.__index = Vec
function Vec.new(x, y) return setmetatable({x = x, y = y}, Vec) end
function Vec:add(o) return Vec.new(self.x + o.x, self.y + o.y) end
function Vec:scale(k) return Vec.new(self.x * k, self.y * k) end
function Vec:len2() return self.x * self.x + self.y * self.y end

local Particle = {}
Particle.__index = Particle
function Particle.new(x, y, vx, vy)
  return setmetatable({pos = Vec.new(x, y), vel = Vec.new(vx, vy)}, Particle)
end
function Particle:step(dt)
  self.pos = self.pos:add(self.vel:scale(dt))
  if self.pos:len2() > 10000 then self.vel = self.vel:scale(-1) end
end

local ps = {}
for i = 1, 100 do ps[i] = Particle.new(i, -i, i % 3 - 1, i % 5 - 2) end
local steps = tonumber(arg and arg[1]) or 10000
for _ = 1, steps do
  for i = 1, #ps do ps[i]:step(0.5) end
end
local sx = 0
for i = 1, #ps do sx = sx + ps[i].pos.x end
print(string.format("%.3f", sx))
