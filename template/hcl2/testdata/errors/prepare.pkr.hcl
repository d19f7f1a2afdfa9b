source "docker" "x" {
  image   = "busybox"
  commit  = true
  discard = true # ERROR: 1 error(s) occurred:
}

source "docker" "y" {
  image   = "busybox"
  timeout = "forever" # ERROR: 1 error(s) occurred:
}

source "docker" "z" {
  image = "busybox"
}

build {
  sources = ["docker.x", "docker.y", "docker.z"]

  provisioner "shell" {
    inline = "not a list" # ERROR: Failed preparing provisioner-block "shell" ""
  }

  provisioner "shell" {
    name   = "named"
    script = 3
    inline = [build.Nope] # ERROR: Failed preparing provisioner-block "shell" "named"
  }

  provisioner "shell" {
    name = "empty"
    inline = [] # ERROR: Failed preparing provisioner-block "shell" "empty"
  }

  post-processor "manifest" {
    outptu = "x" # ERROR: Failed preparing post-processor-block "manifest" ""
  }
}
