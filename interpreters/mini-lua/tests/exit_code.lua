print("exiting")
os.exit(3)
