Hello World in Brainfuck

Set up four cells near the letters we need: 70 100 30 10
++++++++++[>+++++++>++++++++++>+++>+<<<<-]
>++.                   H
>+.                    e
+++++++..              l l
+++.                   o
>++++++++++++++.       comma
------------.          space
<<+++++++++++++++.     W
>.                     o
+++.                   r
------.                l
--------.              d
>+.                    bang
>.                     newline
