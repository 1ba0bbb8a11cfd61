Prints the alphabet backwards with a busy loop nest before each letter
(a benchmark: six nested loops of ten turns; 26 million turns of the innermost)

Cells: c0 letters left; c1 letter; c2 to c7 loop counters; c8 sink
++++++++++[>+++++++++<-]        c1 = 90 (Z)
++++++++++++++++++++++++++      c0 = 26
[
  >>++++++++++[                 c2
  >++++++++++[                  c3
  >++++++++++[                  c4
  >++++++++++[                  c5
  >++++++++++[                  c6
  >++++++++++[->+<]             c7 drains into c8
  <-]<-]<-]<-]<-]
  <.-                           print the letter and step back one
  <-
]
>>++++++++++.                   newline
