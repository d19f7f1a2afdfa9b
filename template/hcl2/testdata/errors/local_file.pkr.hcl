local "e" {
  expression = file("does-not-exist") # ERROR: Error in function call
}
