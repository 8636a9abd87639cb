print("sipwardenctl: not built yet")
