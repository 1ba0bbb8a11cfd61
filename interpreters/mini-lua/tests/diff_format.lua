-- string.format of -0.0 with '+' or ' ' flags (found by a grid of formats around the
-- random differential test): the '-' takes the sign's place.
for _, f in ipairs({"%+.2f", "% .2f", "%+e", "% e", "%+5.1f|", "%+05.1f|", "%-+6.1f|", "%+.0f", "%+g", "%+a", "%.1f", "%e"}) do
  print(f, string.format(f, -0.0), string.format(f, 0.0), string.format(f, -0.001))
end
