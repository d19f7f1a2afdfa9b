# An in-build source block may add attributes to a source, not change
# the ones it sets.
source "docker" "x" {
  image = "busybox"
}

build {
  source "docker.x" {
    name   = "renamed"
    image  = "alpine" # ERROR: Duplicate argument
    commit = true
  }
}
