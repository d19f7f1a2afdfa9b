#!/usr/bin/env bash
# Builds the local base images kiln's tests use, without any registry:
#
#   kiln-test/busybox:latest   always; from Debian's busybox-static (~1 s).
#   kiln-test/debian:bookworm  only with KILN_TEST_DEBIAN=1 (ci-setup.sh sets it by
#                              default); debootstrap
#                              --variant=minbase from the mirror apt uses.
#                              Measured (2 cores, deb.debian.org): 32 s the
#                              first time (debootstrap 30 s + import 2 s;
#                              116 MiB tarball), 2 s afterwards from the cached
#                              tarball in /var/cache/kiln-test/.
#
# Each image is built only if it is missing (KILN_TEST_REBUILD=1 forces it).
# Needs root, a reachable Docker engine and the docker CLI (the CLI is fine
# here; only kiln itself must speak the Engine API).
#
#   build-test-images.sh debian-rootfs
#
# only caches the Debian root filesystem tarball (debootstrap, no Docker),
# which the chroot builder's tests build from; scripts/ci-setup.sh does
# this by default.
set -euo pipefail

log() { printf '[build-test-images] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

CACHE_DIR=${KILN_TEST_CACHE_DIR:-/var/cache/kiln-test}
BUSYBOX_IMAGE=kiln-test/busybox:latest
DEBIAN_IMAGE=kiln-test/debian:bookworm
DEBIAN_SUITE=bookworm

TMPDIRS=()
# --one-file-system: never delete through a mount a failed debootstrap left
# in its target (its /proc, /sys or a bind of /dev).
cleanup() { [ ${#TMPDIRS[@]} -eq 0 ] || rm -rf --one-file-system "${TMPDIRS[@]}"; }
trap cleanup EXIT

have_image() {
	[ "${KILN_TEST_REBUILD:-0}" != 1 ] && docker image inspect "$1" >/dev/null 2>&1
}

# Deterministic tar of a directory on stdout.
tar_rootfs() {
	tar -C "$1" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - .
}

build_busybox() {
	if have_image "$BUSYBOX_IMAGE"; then
		log "$BUSYBOX_IMAGE present"
		return
	fi
	local bb=/bin/busybox
	[ -x "$bb" ] || die "$bb missing (apt-get install busybox-static)"
	"$bb" --list-full >/dev/null 2>&1 || die "$bb is not a full busybox (need busybox-static)"
	local start=$SECONDS root
	root=$(mktemp -d /tmp/kiln-busybox-rootfs.XXXXXX)
	TMPDIRS+=("$root")
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp,var/tmp,dev,proc,sys,run,home}
	chmod 1777 "$root/tmp" "$root/var/tmp"
	chmod 700 "$root/root"
	cp "$bb" "$root/bin/busybox"
	# One symlink per applet, at busybox's own path for it (bin/sh, usr/bin/env, ...).
	local applet rel
	while read -r applet; do
		[ -n "$applet" ] || continue
		[ -e "$root/$applet" ] || [ -L "$root/$applet" ] && continue
		rel=$(realpath -m -s --relative-to="$(dirname "/$applet")" /bin/busybox)
		ln -s "$rel" "$root/$applet"
	done < <("$bb" --list-full)
	[ -L "$root/bin/sh" ] && [ -L "$root/bin/tar" ] || die "busybox lacks sh or tar applets"
	cat >"$root/etc/passwd" <<-'EOF'
		root:x:0:0:root:/root:/bin/sh
		nobody:x:65534:65534:nobody:/nonexistent:/bin/false
	EOF
	cat >"$root/etc/group" <<-'EOF'
		root:x:0:
		nogroup:x:65534:
	EOF
	printf 'root::0:0:99999:7:::\n' >"$root/etc/shadow"
	chmod 640 "$root/etc/shadow"
	log "importing $BUSYBOX_IMAGE ($("$bb" --help 2>&1 | sed -n "1s/ (.*//p"))"
	tar_rootfs "$root" | docker import \
		--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
		--change 'CMD ["/bin/sh"]' \
		--message 'kiln test image from Debian busybox-static' \
		- "$BUSYBOX_IMAGE" >/dev/null
	log "$BUSYBOX_IMAGE built in $((SECONDS - start))s"
}

# The Debian mirror apt is configured with (deb822 .sources or one-line .list).
debian_mirror() {
	local f uri
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		# A stanza whose Suites include $DEBIAN_SUITE (not -security/-updates only).
		uri=$(awk -v suite="$DEBIAN_SUITE" '
			/^[[:space:]]*$/ { if (u != "" && ok) { print u; exit } u=""; ok=0; next }
			/^URIs:/ { u=$2 }
			/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) ok=1 }
			END { if (u != "" && ok) print u }' "$f" | head -1)
		[ -n "$uri" ] && { echo "$uri"; return; }
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		uri=$(awk -v suite="$DEBIAN_SUITE" '
			$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
			              if ($(i+1) == suite) { print $i; exit } }' "$f")
		[ -n "$uri" ] && { echo "$uri"; return; }
	done
	echo http://deb.debian.org/debian
}

DEBIAN_TARBALL=$CACHE_DIR/debian-$DEBIAN_SUITE-minbase.tar

# Caches the debootstrap root filesystem tarball unless it is there.
debian_rootfs() {
	local tarball=$DEBIAN_TARBALL start=$SECONDS
	mkdir -p "$CACHE_DIR"
	if [ ! -s "$tarball" ] || [ "${KILN_TEST_REBUILD:-0}" = 1 ]; then
		command -v debootstrap >/dev/null || die "debootstrap missing (apt-get install debootstrap)"
		local mirror root
		mirror=$(debian_mirror)
		root=$(mktemp -d /tmp/kiln-debian-rootfs.XXXXXX)
		TMPDIRS+=("$root")
		log "debootstrap --variant=minbase $DEBIAN_SUITE from $mirror (slow: ~30 s)"
		if ! debootstrap --variant=minbase "$DEBIAN_SUITE" "$root" "$mirror" >"$CACHE_DIR/debootstrap.log" 2>&1; then
			tail -n 30 "$CACHE_DIR/debootstrap.log" >&2
			die "debootstrap failed (full log: $CACHE_DIR/debootstrap.log)"
		fi
		# Smaller image: apt lists and caches are not needed to run tests.
		rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/var/log/*.log
		# Written aside and renamed: tests running side by side may make it
		# at the same time, and readers only ever see a whole tarball.
		local tmp
		tmp=$(mktemp "$tarball.XXXXXX")
		TMPDIRS+=("$tmp")
		tar_rootfs "$root" >"$tmp"
		chmod 644 "$tmp"
		mv "$tmp" "$tarball"
		log "debootstrap done in $((SECONDS - start))s, cached at $tarball"
	else
		log "using cached $tarball"
	fi
}

build_debian() {
	if have_image "$DEBIAN_IMAGE"; then
		log "$DEBIAN_IMAGE present"
		return
	fi
	local start=$SECONDS
	debian_rootfs
	docker import \
		--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
		--change 'CMD ["/bin/bash"]' \
		--message "kiln test image: debootstrap --variant=minbase $DEBIAN_SUITE" \
		- "$DEBIAN_IMAGE" <"$DEBIAN_TARBALL" >/dev/null
	log "$DEBIAN_IMAGE ready in $((SECONDS - start))s"
}

if [ "${1:-}" = debian-rootfs ]; then
	debian_rootfs
	exit
fi
command -v docker >/dev/null || die "docker CLI not found"
build_busybox
if [ "${KILN_TEST_DEBIAN:-0}" = 1 ]; then
	build_debian
fi
