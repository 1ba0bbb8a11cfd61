Prints a triangle of digits: row i holds i copies of the digit i (nine rows)
Nested counting loops: the outer one counts rows and the inner one repeats the digit

Cells: c0 rows left; c1 digit character; c2 row length; c3 scratch; c4 newline
+++++++++                 c0 = 9
>>++++++[<++++++++>-]     c1 = 48 (the digit zero)
>>++++++++++              c4 = 10
<<<<
[                         for each row
  >+                      next digit
  >+                      row length plus one
  [>+<-]>                 move the length into c3
  [<+<.>>-]               print the digit that many times and restore c2
  >.                      newline
  <<<<-                   one row less
]
