// Package testenv tells tests what the machine offers (a Docker engine,
// root, sshd) and enforces the rule that in CI a missing engine is a
// failure, never a silent skip.
package testenv

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// InCI reports whether the tests run in CI (CI=true).
func InCI() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v == "true" || v == "1"
}

var (
	dockerOnce sync.Once
	dockerErr  error
)

// dockerSocket returns the Unix socket of the engine, from DOCKER_HOST or
// the default.
func dockerSocket() string {
	if h := os.Getenv("DOCKER_HOST"); strings.HasPrefix(h, "unix://") {
		return strings.TrimPrefix(h, "unix://")
	}
	return "/var/run/docker.sock"
}

// pingDocker asks the engine's /_ping endpoint, once per process.
func pingDocker() error {
	dockerOnce.Do(func() {
		sock := dockerSocket()
		c := &http.Client{
			Timeout: 5 * time.Second,
			Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
				var d net.Dialer
				return d.DialContext(ctx, "unix", sock)
			}},
		}
		resp, err := c.Get("http://docker/_ping")
		if err != nil {
			dockerErr = err
			return
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			dockerErr = &statusError{resp.Status}
		}
	})
	return dockerErr
}

type statusError struct{ status string }

func (e *statusError) Error() string { return "docker engine answered " + e.status }

// DockerCondition answers a [docker] script condition: whether an engine
// answers, or, in CI, an error when none does.
func DockerCondition() (bool, error) {
	if err := pingDocker(); err != nil {
		if InCI() {
			return false, fmt.Errorf("CI=true but no Docker engine answers at %s: %w (run scripts/ci-setup.sh)", dockerSocket(), err)
		}
		return false, nil
	}
	return true, nil
}

// DockerAvailable reports whether a Docker engine answers. In CI a missing
// engine fails t instead of reporting false.
func DockerAvailable(t testing.TB) bool {
	t.Helper()
	if err := pingDocker(); err != nil {
		if InCI() {
			t.Fatalf("CI=true but no Docker engine answers at %s: %v (run scripts/ci-setup.sh)", dockerSocket(), err)
		}
		return false
	}
	return true
}

// RequireDocker skips t, saying why, when no engine answers — except in
// CI, where it fails.
func RequireDocker(t testing.TB) {
	t.Helper()
	if !DockerAvailable(t) {
		t.Skipf("no Docker engine answers at %s: start one (scripts/ci-setup.sh) to run this test", dockerSocket())
	}
}

// RequireRoot skips t when not running as root, saying why; in CI (which
// runs as root) it fails.
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		if InCI() {
			t.Fatal("CI=true but tests are not running as root")
		}
		t.Skip("needs root (mounts, chroot, loop devices)")
	}
}

// RequireTool skips t when the program name is not on PATH, saying why;
// in CI, whose set-up installs it, it fails.
func RequireTool(t testing.TB, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if InCI() {
			t.Fatalf("CI=true but %s is not installed (scripts/ci-setup.sh installs it)", name)
		}
		t.Skipf("%s is not installed (scripts/ci-setup.sh installs it)", name)
	}
}

// SkipUnprepared skips t because something the CI set-up (scripts/ci-setup.sh)
// provides is missing here — a test image, the test registry, a tool — and
// says what. In CI the set-up has run, so the same absence fails t: a test
// that CI was meant to run never passes by skipping.
func SkipUnprepared(t testing.TB, format string, args ...any) {
	t.Helper()
	if InCI() {
		t.Fatalf("CI=true but "+format, args...)
	}
	t.Skipf(format, args...)
}
