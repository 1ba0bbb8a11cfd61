print("x")
local a = = 1
