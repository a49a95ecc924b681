print("optml")
