data "http" "d" {
  url = "a"
}

data "http" "d" { # ERROR: Duplicate data block
  url = "b"
}
