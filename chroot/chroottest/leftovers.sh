#!/bin/sh
# Lists what a chroot build left on the host at paths starting with PREFIX
# (a test's own directory, so that other tests' builds running at the same
# time are never taken for this one's), for the chroot testscripts
# (testdata/script/chroot_*.txtar), as AssertClean does for the Go tests:
#
#   leftovers.sh PREFIX
#
# prints a line per mount, loop device and process whose root directory is
# there (the chroot's, even deleted), and exits 1 if there is any, 0 if
# there is none.
set -eu

prefix=$1
found=0

# Mount points (field 5 of mountinfo; spaces and the like are octal
# escapes there, never in a test's directory) and their filesystem type
# (the field after the "-" that ends the optional fields).
mounts=$(awk -v p="$prefix" 'index($5, p) == 1 {
	for (i = 7; i < NF && $i != "-"; i++) {}
	print "mounted: " $5 " (" $(i + 1) ")"
}' /proc/self/mountinfo)
if [ -n "$mounts" ]; then
	echo "$mounts"
	found=1
fi

# Loop devices whose backing file is there.
for f in /sys/block/loop*/loop/backing_file; do
	[ -r "$f" ] || continue
	back=$(cat "$f" 2>/dev/null) || continue
	case $back in
	"$prefix"*)
		dev=${f#/sys/block/}
		echo "attached: /dev/${dev%%/*} ($back)"
		found=1
		;;
	esac
done

# Processes whose root directory is there.
for p in /proc/[0-9]*; do
	root=$(readlink "$p/root" 2>/dev/null) || continue
	case $root in
	"$prefix"*)
		echo "running: ${p#/proc/} in $root: $(tr '\0' ' ' <"$p/cmdline" 2>/dev/null || true)"
		found=1
		;;
	esac
done

exit $found
