source "docker" "x" {
  image = ${var.image} # ERROR: Invalid character # ERROR: Invalid expression
}
