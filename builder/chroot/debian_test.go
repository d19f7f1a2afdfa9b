//go:build linux

package chroot

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kilnbuild/kiln/chroot"
	"github.com/kilnbuild/kiln/chroot/chroottest"
	"github.com/kilnbuild/kiln/internal/testenv"
	"github.com/kilnbuild/kiln/sdk"
)

// debianTarball is where scripts/build-test-images.sh caches the
// debootstrap --variant=minbase bookworm root filesystem.
const debianTarball = "/var/cache/kiln-test/debian-bookworm-minbase.tar"

// debianSource returns a Debian root filesystem to build from: the cached
// debootstrap tarball, made with the repository's script if missing.
func debianSource(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(debianTarball); err == nil {
		return debianTarball
	}
	chroottest.RequireTools(t, "debootstrap")
	t.Log("making the Debian tarball with scripts/build-test-images.sh (about 30 s)")
	cmd := exec.Command("bash", "../../scripts/build-test-images.sh", "debian-rootfs")
	if out, err := cmd.CombinedOutput(); err != nil {
		if testenv.InCI() {
			t.Fatalf("build-test-images.sh: %v\n%s", err, out)
		}
		testenv.SkipUnprepared(t, "no Debian root filesystem: %v\n%s", err, out)
	}
	if _, err := os.Stat(debianTarball); err != nil {
		t.Fatalf("build-test-images.sh did not cache %s", debianTarball)
	}
	return debianTarball
}

// daemonArg marks the processes the test starts in the chroot.
const daemonArg = "3617"

// daemonsIn returns the pids of the processes running `sleep 3617` whose
// root directory is in dir: this test's chroot, never the same test's
// daemons in another checkout's run on the same machine.
func daemonsIn(t *testing.T, dir string) []int {
	t.Helper()
	pids, err := chroot.ProcessesIn(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for _, pid := range pids {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if err != nil {
			continue
		}
		args := strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
		if len(args) == 2 && filepath.Base(args[0]) == "sleep" && args[1] == daemonArg {
			out = append(out, pid)
		}
	}
	return out
}

func TestBuildDebianAptGet(t *testing.T) {
	requireRoot(t)
	if testing.Short() {
		t.Skip("downloads packages from the Debian mirror")
	}
	source := debianSource(t)
	dir := outDir(t)
	out := filepath.Join(dir, "debian")
	var during []int
	hook := sdk.HookFunc(func(ctx context.Context, _ string, _ sdk.Ui, comm sdk.Communicator, _ any) error {
		for _, command := range []string{
			"apt-get -q update",
			"DEBIAN_FRONTEND=noninteractive apt-get -q install -y --no-install-recommends hello",
		} {
			var log bytes.Buffer
			rc := &sdk.RemoteCmd{Command: command, Stdout: &log, Stderr: &log}
			if err := comm.Start(ctx, rc); err != nil {
				return err
			}
			if s := rc.Wait(); s != 0 {
				t.Fatalf("%s: exit %d\n%s", command, s, log.String())
			}
		}
		// What a package's maintainer script may do: start daemons. The
		// command waits on its input while the test looks at the host.
		stdinR, stdinW := io.Pipe()
		stdoutR, stdoutW := io.Pipe()
		rc := &sdk.RemoteCmd{
			Command: "start-stop-daemon --start --background --exec /bin/sleep -- " + daemonArg +
				" && (nohup sleep " + daemonArg + " >/dev/null 2>&1 &) && echo up && read x",
			Stdin: stdinR, Stdout: stdoutW,
		}
		if err := comm.Start(ctx, rc); err != nil {
			return err
		}
		line, err := bufio.NewReader(stdoutR).ReadString('\n')
		if err != nil || line != "up\n" {
			t.Fatalf("daemons: %q, %v", line, err)
		}
		// The daemons may still be forking: wait for both to run.
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if during = daemonsIn(t, dir); len(during) >= 2 {
				break
			}
		}
		stdinW.Close()
		go io.Copy(io.Discard, stdoutR)
		rc.Wait()
		stdoutW.Close()
		got, err := runCmd(ctx, comm, "hello")
		if err != nil || got != "Hello, world!\n" {
			t.Errorf("hello = %q, %v", got, err)
		}
		return nil
	})
	b := prepare(t, map[string]any{"source": source, "output_path": out})
	if _, err := b.Run(t.Context(), testUi{t}, hook); err != nil {
		t.Fatal(err)
	}
	// The namespaces took the daemons down with the commands that
	// started them; none outlived the build.
	if len(during) != 2 {
		t.Errorf("daemons running during provisioning: %v; want 2", during)
	}
	if pids := daemonsIn(t, dir); len(pids) > 0 {
		t.Errorf("processes from the chroot outlived the build: %v", pids)
	}
	if _, err := os.Stat(filepath.Join(out, "usr/bin/hello")); err != nil {
		t.Errorf("hello is not installed in the output: %v", err)
	}
	// The host's resolv.conf was only lent to the build.
	want := chroottest.Run(t, "tar", "-xOf", source, "./etc/resolv.conf")
	if got := readFile(t, filepath.Join(out, "etc/resolv.conf")); got != want {
		t.Errorf("etc/resolv.conf = %q; want the image's own %q", got, want)
	}
}
