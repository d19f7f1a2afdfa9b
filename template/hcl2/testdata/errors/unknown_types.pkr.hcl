source "amazon-ebs" "x" {
  ami_name = "x"
}

source "docker" "y" {
  image = "busybox"
}

build {
  sources = ["amazon-ebs.x", "docker.nope"] # ERROR: Unknown source type amazon-ebs # ERROR: Unknown source docker.nope

  provisioner "ansible" { # ERROR: Unknown provisioner type "ansible"
    playbook_file = "x.yml"
  }
  error-cleanup-provisioner "windows-shell" { # ERROR: Unknown error-cleanup-provisioner type "windows-shell"
    inline = ["x"]
  }
  post-processor "vagrant" {} # ERROR: Unknown post-processor type "vagrant"
}

data "amazon-ami" "a" { # ERROR: Unknown data type amazon-ami
  region = "x"
}
