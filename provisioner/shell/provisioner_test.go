package shell

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kilnbuild/kiln/communicator/local"
	"github.com/kilnbuild/kiln/provisioner/internal/script"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/ui"
)

// prepare returns a provisioner uploading into a fresh directory.
func prepare(t *testing.T, cfg map[string]any) (*Provisioner, string) {
	t.Helper()
	dir := t.TempDir()
	raw := map[string]any{"remote_folder": dir, "remote_file": "script.sh",
		"packer_build_name": "web", "packer_builder_type": "null"}
	for k, v := range cfg {
		raw[k] = v
	}
	p := &Provisioner{}
	if err := p.Prepare(raw); err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	return p, dir
}

func provision(t *testing.T, p *Provisioner, comm sdk.Communicator, data map[string]any) (*ui.Recorder, error) {
	t.Helper()
	rec := &ui.Recorder{}
	err := p.Provision(t.Context(), rec, comm, data)
	return rec, err
}

func TestInlineRunsWithEnvironment(t *testing.T) {
	p, dir := prepare(t, map[string]any{
		"inline": []any{
			"echo id={{ .ID }}",
			`echo "build=$PACKER_BUILD_NAME type=$PACKER_BUILDER_TYPE foo=$FOO bar=$BAR q=$Q"`,
			"echo err >&2",
		},
		"environment_vars": []any{"FOO=from-vars", "BAR=bar", "Q=it's"},
		"env":              map[string]any{"FOO": "from-env"},
	})
	rec, err := provision(t, p, &local.Communicator{}, map[string]any{"ID": "Null"})
	if err != nil {
		t.Fatalf("Provision: %v\n%s", err, rec.Output())
	}
	msgs := rec.Messages()
	want := []string{"id=Null", "build=web type=null foo=from-env bar=bar q=it's"}
	if !slices.Equal(msgs, want) {
		t.Errorf("messages = %q, want %q", msgs, want)
	}
	if errs := rec.Errors(); !slices.Equal(errs, []string{"err"}) {
		t.Errorf("errors = %q", errs)
	}
	if says := rec.Says(); len(says) != 1 || !strings.HasPrefix(says[0], "Provisioning with shell script: ") {
		t.Errorf("says = %q", says)
	}
	if _, err := os.Stat(filepath.Join(dir, "script.sh")); !os.IsNotExist(err) {
		t.Errorf("remote script not cleaned up: %v", err)
	}
}

func TestScriptsRunInOrderAndCRLF(t *testing.T) {
	src := t.TempDir()
	a := filepath.Join(src, "a.sh")
	b := filepath.Join(src, "b.sh")
	os.WriteFile(a, []byte("#!/bin/sh\r\necho a\r\n"), 0o644)
	os.WriteFile(b, []byte("#!/bin/sh\necho b\n"), 0o644)
	p, _ := prepare(t, map[string]any{"scripts": []any{a, b}})
	rec, err := provision(t, p, &local.Communicator{}, nil)
	if err != nil {
		t.Fatalf("Provision: %v\n%s", err, rec.Output())
	}
	if got := rec.Messages(); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("messages = %q, want [a b]", got)
	}

	// binary = true keeps the carriage returns.
	c := filepath.Join(src, "c.sh")
	os.WriteFile(c, []byte("echo c\r\n"), 0o644)
	p, dir := prepare(t, map[string]any{"script": c, "binary": true, "skip_clean": true})
	if _, err := provision(t, p, &local.Communicator{}, nil); err != nil {
		t.Fatal(err)
	}
	content, _ := os.ReadFile(filepath.Join(dir, "script.sh"))
	if !strings.Contains(string(content), "\r\n") {
		t.Errorf("binary upload lost CRLF: %q", content)
	}
}

func TestExitCodes(t *testing.T) {
	p, _ := prepare(t, map[string]any{"inline": []any{"exit 3"}})
	_, err := provision(t, p, &local.Communicator{}, nil)
	var ee *script.ExitError
	if !errors.As(err, &ee) || ee.Status != 3 {
		t.Fatalf("err = %v, want exit status 3", err)
	}
	if !strings.Contains(err.Error(), "Allowed exit codes are: [0]") {
		t.Errorf("message = %q", err)
	}
	p, _ = prepare(t, map[string]any{"inline": []any{"exit 3"}, "valid_exit_codes": []any{0, 3}})
	if _, err := provision(t, p, &local.Communicator{}, nil); err != nil {
		t.Errorf("valid exit code 3 rejected: %v", err)
	}
}

// disconnecting reports CmdDisconnect for the script's command, as the
// ssh communicator does when a reboot drops the connection.
type disconnecting struct{ local.Communicator }

func (d *disconnecting) Start(ctx context.Context, cmd *sdk.RemoteCmd) error {
	if strings.Contains(cmd.Command, "chmod +x") {
		cmd.SetExited(sdk.CmdDisconnect)
		return nil
	}
	return d.Communicator.Start(ctx, cmd)
}

func TestDisconnect(t *testing.T) {
	for _, tc := range []struct {
		cfg     map[string]any
		wantErr bool
	}{
		{map[string]any{}, true},
		{map[string]any{"valid_exit_codes": []any{0, sdk.CmdDisconnect}}, true},
		{map[string]any{"expect_disconnect": true}, false},
	} {
		tc.cfg["inline"] = []any{"reboot"}
		p, _ := prepare(t, tc.cfg)
		_, err := provision(t, p, &disconnecting{}, nil)
		if (err != nil) != tc.wantErr {
			t.Errorf("%v: err = %v, want error %v", tc.cfg, err, tc.wantErr)
		}
		if err != nil && !errors.Is(err, ErrDisconnected) {
			t.Errorf("%v: err = %v, want ErrDisconnected", tc.cfg, err)
		}
	}
}

func TestSkipCleanAndShebang(t *testing.T) {
	for _, tc := range []struct {
		cfg       map[string]any
		wantFirst string
	}{
		{map[string]any{"inline": []any{"echo hi"}}, "#!/bin/sh -e"},
		{map[string]any{"inline": []any{"#!/bin/bash", "echo hi"}}, "#!/bin/bash"},
		{map[string]any{"inline": []any{"#!/bin/bash", "echo hi"}, "inline_shebang": "/bin/sh -x"}, "#!/bin/sh -x"},
	} {
		tc.cfg["skip_clean"] = true
		p, dir := prepare(t, tc.cfg)
		if rec, err := provision(t, p, &local.Communicator{}, nil); err != nil {
			t.Fatalf("%v: %v\n%s", tc.cfg, err, rec.Output())
		}
		content, err := os.ReadFile(filepath.Join(dir, "script.sh"))
		if err != nil {
			t.Fatalf("skip_clean: remote script gone: %v", err)
		}
		if first, _, _ := strings.Cut(string(content), "\n"); first != tc.wantFirst {
			t.Errorf("%v: first line %q, want %q", tc.cfg, first, tc.wantFirst)
		}
	}
}

func TestEnvVarFile(t *testing.T) {
	p, dir := prepare(t, map[string]any{
		"inline":           []any{`echo "$FOO"`},
		"environment_vars": []any{"FOO=with space"},
		"use_env_var_file": true,
	})
	rec, err := provision(t, p, &local.Communicator{}, nil)
	if err != nil {
		t.Fatalf("Provision: %v\n%s", err, rec.Output())
	}
	if got := rec.Messages(); !slices.Equal(got, []string{"with space"}) {
		t.Errorf("messages = %q", got)
	}
	left, _ := os.ReadDir(dir)
	if len(left) != 0 {
		t.Errorf("files left in remote folder: %v", left)
	}
}

func TestExecuteCommand(t *testing.T) {
	p, _ := prepare(t, map[string]any{
		"inline":           []any{"echo $1"},
		"environment_vars": []any{"A=1"},
		"execute_command":  "echo 'vars={{.Vars}}' && sh {{.Path}} {{.ID}}",
	})
	rec, err := provision(t, p, &local.Communicator{}, map[string]any{"ID": "abc"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"vars=A=1 PACKER_BUILDER_TYPE=null PACKER_BUILD_NAME=web ", "abc"}
	if got := rec.Messages(); !slices.Equal(got, want) {
		t.Errorf("messages = %q, want %q", got, want)
	}
}

func TestPrepareErrors(t *testing.T) {
	for _, tc := range []struct {
		cfg  map[string]any
		want string
	}{
		{map[string]any{}, "either a script file or inline script must be specified"},
		{map[string]any{"inline": []any{}}, "either a script file or inline script must be specified"},
		{map[string]any{"script": "/nonexistent/x.sh"}, "bad script '/nonexistent/x.sh'"},
		{map[string]any{"script": "a", "scripts": []any{"b"}}, "only one of script or scripts can be specified"},
		{map[string]any{"inline": []any{"x"}, "scripts": []any{"/etc/hostname"}}, "only a script file or an inline script can be specified, not both"},
		{map[string]any{"inline": []any{"x"}, "environment_vars": []any{"=x"}}, "environment variable not in format 'key=value': =x"},
		{map[string]any{"inline": []any{"x"}, "environment_vars": []any{"novalue"}}, "not in format 'key=value': novalue"},
		{map[string]any{"inline": []any{"x"}, "bogus": 1}, `unknown configuration key: "bogus"`},
	} {
		err := (&Provisioner{}).Prepare(tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Prepare(%v) = %v, want %q", tc.cfg, err, tc.want)
		}
	}
}

func TestPrepareDefaults(t *testing.T) {
	p := &Provisioner{}
	if err := p.Prepare(map[string]any{"inline": []any{"x"}}); err != nil {
		t.Fatal(err)
	}
	c := p.config
	if c.ExecuteCommand != "chmod +x {{.Path}}; {{.Vars}} {{.Path}}" || c.InlineShebang != "/bin/sh -e" ||
		c.EnvVarFormat != "%s='%s' " || !strings.HasPrefix(c.RemotePath, "/tmp/script_") || c.StartRetryTimeout.Minutes() != 5 {
		t.Errorf("defaults: %+v", c)
	}
	p = &Provisioner{}
	if err := p.Prepare(map[string]any{"inline": []any{"x"}, "use_env_var_file": true}); err != nil {
		t.Fatal(err)
	}
	if p.config.ExecuteCommand != "chmod +x {{.Path}}; . {{.EnvVarFile}} && {{.Path}}" || p.config.EnvVarFormat != "export %s='%s'\n" {
		t.Errorf("env var file defaults: %+v", p.config)
	}
}
