#!/usr/bin/env bash
# Installs what `make bench-e2e` compares against and measures with, when
# missing: hyperfine, and Debian's packer (1.6.6) unless PACKER_BIN names
# another Packer. Needs root for apt-get; the engine and test images come
# from scripts/ci-setup.sh.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
missing=()
command -v hyperfine >/dev/null || missing+=(hyperfine)
if [ -z "${PACKER_BIN:-}" ] && ! command -v packer >/dev/null; then
	missing+=(packer)
fi
if [ ${#missing[@]} -gt 0 ]; then
	echo "bench-setup: installing ${missing[*]}" >&2
	apt-get -q update >/dev/null
	apt-get -q install -y "${missing[@]}" >/dev/null
fi
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 || {
	echo "bench-setup: no Docker engine answers; run scripts/ci-setup.sh first" >&2
	exit 1
}
