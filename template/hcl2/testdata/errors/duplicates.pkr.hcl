locals {
  a = 1
}

local "a" {
  expression = 2 # ERROR: Duplicate local definition
}

source "docker" "x" {
  image = "a"
}

source "docker" "x" { # ERROR: Duplicate source block
  image = "b"
}

data "http" "d" {
  url = "a"
}

build {
  sources = ["docker.x"]
}
