# ERROR anywhere: Missing build block
source "docker" "x" {
  image = "busybox"
}
