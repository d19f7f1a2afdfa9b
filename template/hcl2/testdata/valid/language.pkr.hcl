packer {
  required_version = ">= 1.7.0"
}

variables {
  legacy = "from a variables block"
}

variable "images" {
  type = list(object({
    name = string
    tag  = optional(string, "latest")
  }))
  default = [{ name = "busybox" }, { name = "alpine", tag = "3" }]
}

variable "home" {
  default = env("HOME")
}

local "secret" {
  expression = "hunter2-${var.legacy}"
  sensitive  = true
}

locals {
  # Locals may refer to one another in any order.
  last  = "${local.first}!"
  first = join(",", [for i in var.images : "${i.name}:${i.tag}"])
  files = fileset(path.root, "*.pkr.hcl")
}

data "http" "page" {
  url = "https://example.com/${local.first}"
}

source "docker" "base" {
  image  = var.images[0].name
  commit = true

  dynamic "mount" {
    for_each = ["/a", "/b"]
    content {
      source = mount.value
      target = "/mnt${mount.value}"
    }
  }
  labels = {
    version = packer.version
    page    = data.http.page.body
  }
}

build {
  name        = "all"
  description = "every construct"

  sources = ["source.docker.base"]

  dynamic "source" {
    for_each = { for i in var.images : i.name => i }
    labels   = ["docker.base"]
    content {
      name = source.key
    }
  }

  provisioner "shell" {
    inline = [
      "echo ${local.last} ${build.name} ${source.name} ${source.type}",
      "echo ${upper(local.secret)}",
    ]
  }

  provisioner "shell-local" {
    inline = ["echo done"]
    only   = ["docker.busybox"]
  }

  post-processors {
    post-processor "docker-tag" {
      output = "tag"
    }
    post-processor "manifest" {
      output = "${build.name}.json"
    }
  }
}
