package shelllocal

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// scripts run in order; inline_shebang starts the inline script;
// env_var_format renders {{.Vars}}.
func TestScriptsShebangAndEnvVarFormat(t *testing.T) {
	dir := t.TempDir()
	var scripts []any
	for _, name := range []string{"b.sh", "a.sh"} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte("echo "+name+"\n"), 0o644)
		scripts = append(scripts, p)
	}
	rec, err := provision(t, map[string]any{"scripts": scripts, "execute_command": []any{"/bin/sh", "{{.Script}}"}}, nil)
	if err != nil || !slices.Equal(rec.Messages(), []string{"b.sh", "a.sh"}) {
		t.Errorf("scripts: %v %q", err, rec.Messages())
	}

	// The first line of the inline script is its shebang: the script
	// prints itself.
	rec, err = provision(t, map[string]any{
		"inline":          []any{"exit 0"},
		"inline_shebang":  "/bin/cat",
		"execute_command": []any{"{{.Script}}"},
	}, nil)
	if err != nil || !slices.Equal(rec.Messages(), []string{"#!/bin/cat", "exit 0"}) {
		t.Errorf("inline_shebang: %v %q", err, rec.Messages())
	}

	rec, err = provision(t, map[string]any{
		"inline":           []any{`echo "$A"`},
		"environment_vars": []any{"A=1"},
		"env_var_format":   "export %s=%s; ",
		"execute_command":  []any{"/bin/sh", "-c", "echo '{{.Vars}}'; {{.Vars}} {{.Script}}"},
	}, nil)
	want := []string{"export A=1; export PACKER_BUILDER_TYPE=null; export PACKER_BUILD_NAME=web; ", "1"}
	if err != nil || !slices.Equal(rec.Messages(), want) {
		t.Errorf("env_var_format: %v %q, want %q", err, rec.Messages(), want)
	}
}

// use_linux_pathing turns Windows paths into WSL ones; it cannot run
// inline commands.
func TestUseLinuxPathing(t *testing.T) {
	for in, want := range map[string]string{
		`C:\Users\k\s.sh`: "/mnt/c/Users/k/s.sh",
		"D:/x/y.sh":       "/mnt/d/x/y.sh",
		"/tmp/s.sh":       "/tmp/s.sh",
	} {
		if got := linuxPath(in); got != want {
			t.Errorf("linuxPath(%q) = %q, want %q", in, got, want)
		}
	}
	s := filepath.Join(t.TempDir(), "s.sh")
	os.WriteFile(s, []byte("echo via $0\n"), 0o755)
	rec, err := provision(t, map[string]any{"script": s, "use_linux_pathing": true}, nil)
	if err != nil || !slices.Equal(rec.Messages(), []string{"via " + s}) {
		t.Errorf("use_linux_pathing on a Unix path: %v %q", err, rec.Messages())
	}
	err = (&Provisioner{}).Prepare(map[string]any{"inline": []any{"x"}, "use_linux_pathing": true})
	if err == nil || !strings.Contains(err.Error(), "unable to use the command and inline features with the Windows Linux Subsystem") {
		t.Errorf("inline with use_linux_pathing: %v", err)
	}
}
