package cmd_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

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
			e.Setenv("CHECKPOINT_DISABLE", "1")
			e.Setenv("PACKER_NO_COLOR", "")
			if v := os.Getenv("DOCKER_HOST"); v != "" {
				e.Setenv("DOCKER_HOST", v)
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
