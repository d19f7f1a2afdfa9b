# Evaluation stops at the first local that fails, as in Packer.
locals {
  a = "fine"
  c = local.nope # ERROR: Unsupported attribute
  d = upper(1, 2)
}
