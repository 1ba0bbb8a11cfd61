return "from dofile", 2
