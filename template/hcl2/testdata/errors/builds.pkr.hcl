source "docker" "x" {
  image = "busybox"
}

build {
  sources = ["not-a-reference"] # ERROR: Invalid source reference
}

build {
  sources = ["docker.x"]

  provisioner "shell" {
    inline = ["a"]
    only   = ["docker.x"]
    except = ["docker.y"] # ERROR: only one of 'only' or 'except' may be specified
  }

  provisioner "shell" {
    inline       = ["a"]
    pause_before = "soon" # ERROR: Failed to parse pause_before duration
  }

  provisioner "shell" {
    inline   = ["a"]
    override = "x" # ERROR: provisioner's override block must be an HCL object
  }

  error-cleanup-provisioner "shell" {
    inline = ["a"]
  }
  error-cleanup-provisioner "shell" { # ERROR: Only one error-cleanup-provisioner is allowed
    inline = ["b"]
  }
}
