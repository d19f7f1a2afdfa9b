image = "x" # ERROR: Unsupported argument

nope "x" { # ERROR: Unsupported block type
}
