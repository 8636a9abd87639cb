print("sipwarden: not built yet")
