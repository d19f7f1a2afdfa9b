packer {
  required_version = ">= 99.0.0" # ERROR: Unsupported Packer Core version
}
