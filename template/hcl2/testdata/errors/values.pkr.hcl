variable "unset" { # ERROR: Unset variable "unset"
  type = string
}

variable "checked" {
  type    = string
  default = "short" # ERROR: Invalid value for default variable
  validation {
    condition     = length(var.checked) > 10
    error_message = "The value must be longer than 10 characters."
  }
}

locals {
  a = local.b
  b = local.a # ERROR: Cyclic dependency between locals and data sources
}

source "docker" "x" {
  image = "busybox"
}

build {
  sources = ["docker.x"]
}
