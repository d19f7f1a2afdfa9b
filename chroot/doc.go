// Package chroot holds the reusable parts of builders that provision a
// machine image inside a chroot on the build host: the chroot
// Communicator, RunLocalCommands for host-side commands, the steps that
// attach a disk image to a loop device, mount it, run pre- and post-mount
// commands, mount the chroot's pseudo filesystems, copy host files in,
// provision and clean up early, and the safety primitives they rest on.
//
// Everything here runs as root against the host, so the primitives are
// defensive:
//
//   - paths inside the chroot are resolved with SecureJoin, so a symbolic
//     link in the image can never make kiln mount over, write to or read
//     from a host path;
//   - bind mounts are made private at once, so nothing mounted below them
//     (devpts under the bound /dev, say) propagates back to the host;
//   - RemoveAll refuses to delete anything while a mount is in place at or
//     below the path (read from /proc/self/mountinfo) and never descends
//     into another filesystem;
//   - UnmountAll unmounts deepest first, retries a busy mount and falls
//     back to a lazy unmount as a last resort;
//   - commands run through the Communicator start in their own PID and
//     mount namespaces, so every process they leave behind (a daemon a
//     package install started) is killed when the command ends, and
//     KillProcesses stops anything else whose root is inside the chroot
//     before it is unmounted.
//
// The steps share typed state keys (KeyMountPath, KeyDevice,
// KeyCommandWrapper) and the commonsteps keys for the Ui and hook. Steps
// whose work can be undone before the build ends implement Cleanup, which
// StepEarlyCleanup calls in the order a builder lists them.
package chroot
