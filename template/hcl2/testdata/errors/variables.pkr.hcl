variable "a" {
  type = string
}

variable "a" { # ERROR: Duplicate variable
  type = string
}

variable "n" {
  type    = number
  default = "not a number" # ERROR: Invalid default value for variable
}

variable "v" {
  type = string
  validation {
    condition     = var.other != "" # ERROR: Invalid reference in variable validation # ERROR: Invalid variable validation condition
    error_message = "lower case" # ERROR: Invalid validation error message
  }
}

variable "bad name" { # ERROR: Invalid variable name
  default = 1
}

variable "u" {
  default = env("HOME")
  unknown = 1 # ERROR: Unsupported argument
}

variable "f" {
  default = upper("x") # ERROR: Call to unknown function
}
