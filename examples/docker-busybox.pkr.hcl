# The smallest real kiln build: start a container from a local busybox
# image, provision it with a shell provisioner, commit it, and tag the
# result. scripts/ci-setup.sh builds kiln-test/busybox:latest locally, so no
# registry is needed:
#
#   kiln build examples/docker-busybox.pkr.hcl
#   docker run --rm kiln-example/busybox:latest cat /etc/kiln-example

source "docker" "busybox" {
  image  = "kiln-test/busybox:latest"
  commit = true
  pull   = false
  changes = [
    "LABEL org.opencontainers.image.title=kiln-example",
  ]
}

build {
  sources = ["source.docker.busybox"]

  provisioner "shell" {
    inline = [
      "echo 'built by kiln' > /etc/kiln-example",
      "touch /etc/kiln-provisioned",
    ]
  }

  post-processor "docker-tag" {
    repository = "kiln-example/busybox"
    tags       = ["latest"]
  }
}
