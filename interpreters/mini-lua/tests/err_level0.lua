io.write("partial output\n")
error("plain message", 0)
