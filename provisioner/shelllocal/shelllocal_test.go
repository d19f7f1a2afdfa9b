package shelllocal

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/kilnbuild/kiln/ui"
)

func provision(t *testing.T, cfg map[string]any, data map[string]any) (*ui.Recorder, error) {
	t.Helper()
	raw := map[string]any{"packer_build_name": "web", "packer_builder_type": "null"}
	for k, v := range cfg {
		raw[k] = v
	}
	p := &Provisioner{}
	if err := p.Prepare(raw); err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	rec := &ui.Recorder{}
	return rec, p.Provision(t.Context(), rec, nil, data)
}

func TestInlineCommandAndEnv(t *testing.T) {
	rec, err := provision(t, map[string]any{
		"inline":           []any{"echo id={{ .ID }} $PACKER_BUILD_NAME $FOO $BAR", "echo x >&2"},
		"environment_vars": []any{"FOO={{ .ID }}-foo"},
		"env":              map[string]any{"BAR": "it's"},
	}, map[string]any{"ID": "42"})
	if err != nil {
		t.Fatalf("%v\n%s", err, rec.Output())
	}
	if got, want := rec.Messages(), []string{"id=42 web 42-foo it's"}; !slices.Equal(got, want) {
		t.Errorf("messages = %q, want %q", got, want)
	}
	if got := rec.Errors(); !slices.Equal(got, []string{"x"}) {
		t.Errorf("errors = %q", got)
	}
	if says := rec.Says(); len(says) != 1 || !strings.HasPrefix(says[0], "Running local shell script: ") {
		t.Errorf("says = %q", says)
	}
}

func TestCommandScriptAndExecuteCommand(t *testing.T) {
	rec, err := provision(t, map[string]any{"command": "echo deprecated"}, nil)
	if err != nil || !slices.Equal(rec.Messages(), []string{"deprecated"}) {
		t.Errorf("command: %v %q", err, rec.Messages())
	}
	dir := t.TempDir()
	s := filepath.Join(dir, "s.sh")
	os.WriteFile(s, []byte("echo script $1\n"), 0o644)
	rec, err = provision(t, map[string]any{
		"script":          s,
		"execute_command": []any{"/bin/sh", "{{.Script}}", "arg"},
	}, nil)
	if err != nil || !slices.Equal(rec.Messages(), []string{"script arg"}) {
		t.Errorf("script: %v %q", err, rec.Messages())
	}
	// {{.Command}} is an alias of {{.Script}}; tempfile_extension names
	// the inline file.
	rec, err = provision(t, map[string]any{
		"inline":             []any{"true"},
		"tempfile_extension": ".cmd",
		"execute_command":    []any{"/bin/sh", "-c", "echo {{.Command}}"},
	}, nil)
	if err != nil || len(rec.Messages()) != 1 || !strings.HasSuffix(rec.Messages()[0], ".cmd") {
		t.Errorf("tempfile_extension: %v %q", err, rec.Messages())
	}
}

func TestExitCodesAndOnlyOn(t *testing.T) {
	if _, err := provision(t, map[string]any{"inline": []any{"exit 4"}}, nil); err == nil || !strings.Contains(err.Error(), "exit status: 4") {
		t.Errorf("exit 4: %v", err)
	}
	if _, err := provision(t, map[string]any{"inline": []any{"exit 4"}, "valid_exit_codes": []any{4}}, nil); err != nil {
		t.Errorf("valid exit 4: %v", err)
	}
	other := "windows"
	if runtime.GOOS == "windows" {
		other = "linux"
	}
	rec, err := provision(t, map[string]any{"inline": []any{"exit 1"}, "only_on": []any{other}}, nil)
	if err != nil || !slices.Equal(rec.Says(), []string{"Skipping shell-local due to runtime OS"}) {
		t.Errorf("only_on: %v %q", err, rec.Says())
	}
}

func TestPrepareErrors(t *testing.T) {
	for _, tc := range []struct {
		cfg  map[string]any
		want string
	}{
		{map[string]any{}, "cannot all be empty"},
		{map[string]any{"command": "x", "inline": []any{"y"}}, "you may only specify one of"},
		{map[string]any{"script": "/etc/hostname", "inline": []any{"y"}}, "you may only specify one of"},
		{map[string]any{"script": "/nonexistent"}, "bad script '/nonexistent'"},
		{map[string]any{"inline": []any{"x"}, "only_on": []any{"plan9"}}, "invalid OS specified in only_on: 'plan9'"},
		{map[string]any{"inline": []any{"x"}, "environment_vars": []any{"x"}}, "not in format 'key=value'"},
	} {
		err := (&Provisioner{}).Prepare(tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Prepare(%v) = %v, want %q", tc.cfg, err, tc.want)
		}
	}
	var c Config
	if err := Decode(&c, map[string]any{"inline": []any{"x"}}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.ExecuteCommand, []string{"/bin/sh", "-c", "{{.Vars}} {{.Script}}"}) || c.InlineShebang != "/bin/sh -e" || c.EnvVarFormat != "%s='%s' " {
		t.Errorf("defaults: %+v", c)
	}
}
