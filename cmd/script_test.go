package cmd_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/kilnbuild/kiln/chroot"
	"github.com/kilnbuild/kiln/cmd"
	"github.com/kilnbuild/kiln/internal/testenv"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"kiln": func() { os.Exit(cmd.Main()) },
	})
}

// TestScripts runs the end-to-end scripts in testdata/script against the
// real kiln binary (this test binary, re-executed as "kiln").
//
// Conditions available to scripts:
//
//	[docker]  a Docker engine answers (in CI a missing engine fails the run)
//	[root]    running as root
//	[sshd]    an sshd binary is installed
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "../testdata/script",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       os.Getenv("KILN_UPDATE_SCRIPTS") == "1",
		Setup: func(e *testscript.Env) error {
			repo, err := filepath.Abs("..")
			if err != nil {
				return err
			}
			e.Setenv("KILN_REPO", repo)
			// CI prepares everything the scripts ask for (root, an
			// engine, test images, tools), so in CI a script that skips
			// has lost its point: it fails instead.
			if testenv.InCI() {
				tt, ok := e.T().(interface {
					Cleanup(func())
					Skipped() bool
					Errorf(string, ...any)
				})
				if !ok {
					return fmt.Errorf("CI=true but testscript's T (%T) cannot report a skipped script", e.T())
				}
				tt.Cleanup(func() {
					if tt.Skipped() {
						tt.Errorf("CI=true but the script skipped: CI's set-up (scripts/ci-setup.sh) provides what every script needs")
					}
				})
			}
			// testscript deletes $WORK when a script ends. A build that
			// left a bind mount in there (a bug) must cost a leak, never
			// the deletion of what is mounted — the host's /dev, say.
			e.Defer(func() {
				if lazy, err := chroot.UnmountAll(e.WorkDir); err != nil || len(lazy) > 0 {
					e.T().Log("mounts left under $WORK: lazy", lazy, err)
				}
			})
			e.Setenv("CHECKPOINT_DISABLE", "1")
			e.Setenv("PACKER_NO_COLOR", "")
			if v := os.Getenv("DOCKER_HOST"); v != "" {
				e.Setenv("DOCKER_HOST", v)
			}
			// The ssh_* scripts log in to the test sshd that
			// scripts/ci-setup.sh starts, described to them by
			// KILN_TEST_SSH_*. Without it they are skipped, except in CI.
			if strings.HasPrefix(filepath.Base(e.WorkDir), "script-ssh_") {
				s, err := testenv.LookupSSHD()
				if err != nil {
					if testenv.InCI() {
						return fmt.Errorf("CI=true but %w", err)
					}
					e.T().Skip("needs the test sshd: ", err)
				}
				e.Setenv("KILN_TEST_SSH_HOST", s.Host)
				e.Setenv("KILN_TEST_SSH_PORT", strconv.Itoa(s.Port))
				e.Setenv("KILN_TEST_SSH_USER", s.User)
				e.Setenv("KILN_TEST_SSH_KEY", s.KeyFile)
				e.Setenv("KILN_TEST_SSH_PASSWORD_USER", s.PasswordUser)
				e.Setenv("KILN_TEST_SSH_PASSWORD", s.Password)
			}
			return nil
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "docker":
				return testenv.DockerCondition()
			case "root":
				return os.Geteuid() == 0, nil
			case "sshd":
				_, err := exec.LookPath("sshd")
				if err != nil {
					_, err = os.Stat("/usr/sbin/sshd")
				}
				return err == nil, nil
			}
			return false, nil
		},
		Deadline: time.Now().Add(10 * time.Minute),
	})
}
