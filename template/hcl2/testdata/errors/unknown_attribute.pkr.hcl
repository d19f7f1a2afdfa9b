source "docker" "x" {
  image = "busybox"
  comit = true # ERROR: Unsupported argument
}

build {
  sources = ["docker.x"]
}
