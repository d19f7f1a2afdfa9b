# ERROR anywhere: Missing plugins
packer {
  required_plugins {
    amazon = {
      source  = "github.com/hashicorp/amazon"
      version = ">= 1.0.0"
    }
  }
}

source "docker" "x" {
  image = "busybox"
}

build {
  sources = ["docker.x"]
}
