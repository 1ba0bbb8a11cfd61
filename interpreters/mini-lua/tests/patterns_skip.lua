-- Pattern functions on patterns that start with a literal character (the matcher
-- skips to its occurrences) and on ones that do not; string.format's plain %d.
local s = 'xaab-ab a+b aaab ba  item1=3;item22=66;itemx=1;'
local pats = { 'a', 'ab', 'a+b', 'a*b', 'a-b', 'a?b', 'b', 'item(%d+)=(%d+);', 'i', '-', ' ', ';',
  '%a+', '[ab]+', '(a)(b)', '()ab', '^xa', '^a', 'a$', ';$', 'z', 'zz*', '', 'item', 'a%+b', '.b', '%-' }
for _, p in ipairs(pats) do
  local r, n = s:gsub(p, '<%0>')
  local r2, n2 = s:gsub(p, '#', 2)
  local cnt = 0
  for _ in s:gmatch(p) do cnt = cnt + 1 end
  print(p, r, n, r2, n2, cnt, s:find(p), s:find(p, 10), s:match(p), s:match(p, 20))
end
print(('abc'):gsub('', '-'), ('abc'):gsub('b*', '-'), ('aaa'):gsub('a', 'b', 0), ('aaa'):gsub('a', 'b', -1))
print(('hello world'):gsub('o', { o = 0 }), ('hello'):gsub('l', function(c) return c:upper() end))
print(('a.b.c'):find('.', 1, true), ('a.b.c'):find('b', -2), ('abc'):find('c', 10), ('abc'):find('', 4), ('abc'):find('', 5))
for k, v in ('k1=v1, k2=v2'):gmatch('k(%d)=(%w+)') do io.write(k, ':', v, ' ') end
print()
print(string.format('%d|%5d|%-5d|%05d|%d|%d|%d', 42, 42, 42, 42, -7, 0, math.mininteger))
print(string.format('%d %d', 3.0, '17'), pcall(string.format, '%d', 1.5), pcall(string.format, '%d'))
print(string.format('%d%%%s%d', 1, 'x', 2), string.format('item%d=%d;', 9, 27))
