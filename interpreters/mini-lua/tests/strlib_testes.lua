-- Regressions found with the official test suite (strings, pm, tpack, utf8, literals).

-- string.format: each conversion accepts its own flags, widths and precisions of 2 digits
-- (straight-line calls: a JIT bug repeats iterations of a compiled loop whose pcall fails)
local function fmt(f) print(f, pcall(string.format, f, 10)) end
fmt("%100.3d")
fmt("%1.100d")
fmt("%t")
fmt("%010c")
fmt("%.10c")
fmt("%0.34s")
fmt("%#i")
fmt("%3.1p")
fmt("%0.s")
fmt("%10q")
fmt("%F")
fmt("%")
fmt("%5")
fmt("%ld")
fmt("%5.2%")
fmt("%-#-#-#-#-#-#-#-#-#-#-#-#d")
fmt("%1" .. string.rep("0", 30) .. "d")
fmt("%-5c|")
fmt("%.3x")
fmt("%+5.2f")
fmt("%#o")
print(pcall(string.format, "%d %d", 1))
print(pcall(string.format, "%10s", "a\0b"))
print(#string.format("%s", string.rep("x\0", 60)), #string.format("%5s", string.rep("x", 160)))
print(string.format("%u %.u|%5.3u", -1, 0, 7))

-- '%a' rounds half to even like glibc, subnormals keep exponent -1022; '#' keeps the point
print(string.format("%.1a %.1a %.1a %.0a %.0a %.3a %.2a", 0x1.28p0, 0x1.38p0, 0x1.18p0, 0x1.8p0, 255, 65535.75, 0.1))
print(string.format("%a %.2a %.0a %#a %A %a", 0x0.0000000000001p-1022, 0x0.0000000000001p-1022, 0x0.8p-1022, 1, -0.0, 0.0))
print(string.format("%#.1g %#.1g %#g %#.0e %#.0f %#.3g", 300, 0, 0, 5, 5, 255))

-- '%p': values without an address print as (null); objects have stable distinct addresses
print(string.format("%p|%p|%p|%10p|%-8p|", 4, true, nil, false, 1.5))
local t1, t2 = {}, {}
print(string.format("%p", t1) == string.format("%p", t1), string.format("%p", t1) ~= string.format("%p", t2))
print(string.format("%p", print) == string.format("%p", print), string.format("%p", print) ~= string.format("%p", assert))
print(#string.format("%30p", {}), #string.format("%-25p", {}))
print(string.format("%p", string.rep("a", 10)) == string.format("%p", string.rep("aa", 5)))

-- table.concat with indices near the integer limits
local maxi, mini = math.maxinteger, math.mininteger
print(pcall(table.concat, {}, " ", maxi, maxi))
print(pcall(table.concat, {}, " ", mini, mini))
print(table.concat({[maxi] = "alo", [maxi - 1] = "y"}, "-", maxi - 1, maxi))
print(table.concat({}, "x", maxi, mini), table.concat({[mini] = "a", [mini + 1] = "b"}, "", mini, mini + 1))

-- os.setlocale knows only the C locale
print(os.setlocale(), os.setlocale("C"), os.setlocale("POSIX", "numeric"), os.setlocale("xx_YY"))
print(pcall(os.setlocale, "C", "bogus"))

-- patterns: %z / %Z, gmatch with init past the end
local nz, nZ = 0, 0
for i = 0, 255 do
  if string.find(string.char(i), "%z") then nz = nz + 1 end
  if string.find(string.char(i), "%Z") then nZ = nZ + 1 end
end
print(nz, nZ)
for _, init in ipairs{8, 9, 10, 100, -100} do
  local n = 0
  for _ in string.gmatch("11 21 31", "%w*", init) do n = n + 1 end
  io.write(n, " ")
end
print()

-- string.pack / unpack
local function packs(f, v)
  local ok, r = pcall(string.pack, f, v)
  print(f, ok, ok and #r or r)
end
packs("<I1", -1)
packs("<I2", 65536)
packs("<i1", 128)
packs("<i1", -129)
packs("<I3", mini)
packs("<i7", 1 << 55)
packs("<i7", -(1 << 55))
packs("<I7", 1 << 55)
packs("<i8", mini)
print(string.unpack("<i9", string.pack("<i9", -2)), string.unpack("<I9", string.pack("<I9", -2)) == -2)
print(pcall(string.unpack, "<i9", "\0\0\0\0\0\0\0\0\1"))
print(pcall(string.unpack, "<I9", string.rep("\xff", 9)))
local function size(f) print(f, pcall(string.packsize, f)) end
size("X")
size("Xc1")
size("X i")
size("XXi")
size("i3X")
size("!4 i3 Xi8")
size("c3 !8 Xd")
size("!3 i4")
size("s2 b")
print(pcall(string.pack, "!4 i3 s4 b", 1, "ab", 2))
print(string.unpack("b", "\5", 0), string.unpack("b", "\5", -10))
print(pcall(string.unpack, "b", "\5", 3))
print(pcall(string.unpack, "z", "abc"))
print(string.unpack("z b", "ab\0\7"))

-- utf8.codes: the iterator takes any control value, like PUC
local f = utf8.codes("")
print(f("", 2), f("", -1), f("", mini), f("", maxi))
for p, c in utf8.codes("\x80a") do print(p, c) end
for p, c in utf8.codes("a\x80") do print(p, c) end

-- load() of a string does not skip a '#' line (only files do)
print(load("#=1", "=x"))
local name = os.tmpname()
local fh = io.open(name, "w")
fh:write("\xEF\xBB\xBF# first line\nreturn debug.getinfo(1, 'l').currentline")
fh:close()
print(dofile(name))
os.remove(name)

-- '%q' writes control characters (also '\r') as decimal escapes
print(string.format("%q", "\r\n\t\0011\0\127x"))

-- lexer errors at the end of the input say "near <eof>" without quotes
print(load("return 'abc", "=src"))
print(load("return [==[x]=]", "=src"))
print(load("--[==[ unfinished", "=src"))
print(load("local x <foo> = 1", "=src"))
