hcp_packer_registry { # WARNING: hcp_packer_registry has no effect
  bucket_name = "x"
}

source "docker" "x" { # WARNING: image warn is deprecated
  image = "warn"
}

build {
  sources = ["docker.x"]
}
