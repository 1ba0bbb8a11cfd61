Copy loops: the idiom most Brainfuck code is made of
The value cell c2 holds 250; it is copied into c3 and c4 and moved back
6 x 240 x 200 times: 144 million turns of two loops of four instructions
Prints ok and a newline

Cells: c0 outer counter 240; c1 inner counter 200; c2 the value 250;
c3 and c4 scratch; c5 output; c6 the outermost counter 6
(no comment may use the eight command characters)

>>>+++++++++++++++++++++++++[<++++++++++>-]<<<   c2 is 250 with c3 as scratch
>>>>>>++++++                                     c6 is 6
[
  <<<<<<                                         at c0
  >++++++++++++++++[<+++++++++++++++>-]<         c0 is 240 with c1 as scratch
  [
    >>>++++++++++++++++++++[<<++++++++++>>-]<<   c1 is 200 with c3 as scratch
    [
      >[->+>+<<]                                 c2 into c3 and c4
      >>[-<<+>>]                                 c4 back into c2
      <[-]                                       clear c3
      <<-                                        count c1 down
    ]
    <-                                           count c0 down
  ]
  >>>>>>-                                        count c6 down
]
<++++++++++[>+++++++++++<-]>+.                   c6 is 111 which is o and c5 is scratch
----.[-]++++++++++.                              then k and a newline
