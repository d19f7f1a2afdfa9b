#!/bin/sh
# Makes a minimal busybox root filesystem from the host's busybox-static,
# for the chroot testscripts (testdata/script/chroot_*.txtar), as
# BusyboxRoot does for the Go tests:
#
#   busybox-rootfs.sh DIR [TARBALL]
#
# fills DIR (created) and, given TARBALL, also writes a tarball of it.
set -eu

root=$1
bb=/bin/busybox
"$bb" --list-full >/dev/null 2>&1 || {
	echo "$bb is not a full static busybox (apt-get install busybox-static)" >&2
	exit 1
}
for d in bin sbin usr/bin usr/sbin etc root tmp var/tmp dev proc sys run; do
	mkdir -p "$root/$d"
done
chmod 755 "$root"
chmod 1777 "$root/tmp" "$root/var/tmp"
cp "$bb" "$root/bin/busybox"
# One link per applet, at busybox's own path for it; absolute links
# resolve inside the chroot.
for applet in $("$bb" --list-full); do
	[ -e "$root/$applet" ] || [ -L "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\ntty:x:5:\nnogroup:x:65534:\n' >"$root/etc/group"
echo kiln-test >"$root/etc/hostname"
if [ $# -ge 2 ]; then
	tar --numeric-owner -C "$root" -cf "$2" .
fi
