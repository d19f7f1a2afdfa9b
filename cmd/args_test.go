package cmd

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func testFactory() (*Factory, *bytes.Buffer, *bytes.Buffer) {
	out, errOut := &bytes.Buffer{}, &bytes.Buffer{}
	return &Factory{
		IO:       &IOStreams{In: strings.NewReader(""), Out: out, ErrOut: errOut},
		Getenv:   func(string) string { return "" },
		ProgName: "kiln",
	}, out, errOut
}

// parseBuild parses args the way Run does and returns what build received.
func parseBuild(t *testing.T, args ...string) (*BuildOptions, error) {
	t.Helper()
	f, _, _ := testFactory()
	var got *BuildOptions
	c := newBuildCmdWith(f, func(_ context.Context, _ *Factory, o *BuildOptions) error {
		got = o
		return nil
	})
	prepareCommand(c)
	c.SilenceErrors, c.SilenceUsage = true, true
	c.SetArgs(normalizeFlags(c.Flags(), args))
	err := c.ExecuteContext(t.Context())
	return got, err
}

func TestBuildFlagsPackerStyle(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want BuildOptions
	}{
		{
			name: "single dash with equals",
			args: []string{"-only=docker.a,docker.b", "-except=null.*", "-force", "t.pkr.hcl"},
			want: BuildOptions{MetaOptions: MetaOptions{Only: []string{"docker.a", "docker.b"}, Except: []string{"null.*"}}, Force: true},
		},
		{
			name: "double dash works too",
			args: []string{"--only=x", "--debug", "--parallel-builds", "2", "t.pkr.hcl"},
			want: BuildOptions{MetaOptions: MetaOptions{Only: []string{"x"}}, Debug: true, ParallelBuilds: 2},
		},
		{
			name: "var with separate value keeps order and splits at the first equals",
			args: []string{"-var", "a=1", "-var=b=x=y", "-var", "a=2", "-var-file", "one.pkrvars.hcl", "-var-file=two.json", "t.pkr.hcl"},
			want: BuildOptions{MetaOptions: MetaOptions{
				Vars:     []KV{{"a", "1"}, {"b", "x=y"}, {"a", "2"}},
				VarFiles: []string{"one.pkrvars.hcl", "two.json"},
			}},
		},
		{
			name: "bool turned off with =false",
			args: []string{"-color=false", "-timestamp-ui", "t.pkr.hcl"},
			want: BuildOptions{Color: false, TimestampUi: true},
		},
		{
			name: "repeated only lists accumulate",
			args: []string{"-only=a", "-only=b,c", "t.pkr.hcl"},
			want: BuildOptions{MetaOptions: MetaOptions{Only: []string{"a", "b", "c"}}},
		},
		{
			name: "on-error enum",
			args: []string{"-on-error=abort", "t.pkr.hcl"},
			want: BuildOptions{OnError: "abort"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseBuild(t, tt.args...)
			if err != nil {
				t.Fatalf("parse %q: %v", tt.args, err)
			}
			want := tt.want
			want.Template = "t.pkr.hcl"
			if want.OnError == "" {
				want.OnError = "cleanup"
			}
			if !contains(tt.args, "-color=false") {
				want.Color = true
			}
			if d := cmp.Diff(want, *got); d != "" {
				t.Errorf("options (-want +got):\n%s", d)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestBuildFlagErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"t.pkr.hcl", "-force"}, "flag -force comes after the template"},
		{[]string{"-var", "novalue", "t.pkr.hcl"}, `no '=' in "novalue"`},
		{[]string{"-on-error=maybe", "t.pkr.hcl"}, `"maybe" is not one of`},
		{[]string{"-parallel-builds=x", "t.pkr.hcl"}, "invalid argument"},
		{[]string{"-bogus", "t.pkr.hcl"}, "unknown flag: --bogus"},
		{[]string{}, "expects exactly one argument, got 0"},
	}
	for _, tt := range tests {
		_, err := parseBuild(t, tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("parse %q: err = %v, want it to contain %q", tt.args, err, tt.want)
		}
	}
}

func TestExtractMachineReadable(t *testing.T) {
	args, ok := extractMachineReadable([]string{"build", "-machine-readable", "-force", "t.json", "--", "-machine-readable"})
	if !ok {
		t.Fatal("not found")
	}
	want := []string{"build", "-force", "t.json", "--", "-machine-readable"}
	if d := cmp.Diff(want, args); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if _, ok := extractMachineReadable([]string{"build", "t.json"}); ok {
		t.Error("found in argv without it")
	}
}

func TestRunExitCodes(t *testing.T) {
	tests := []struct {
		argv []string
		want int
	}{
		{[]string{"kiln"}, exitUnknownCommand},
		{[]string{"kiln", "nope"}, exitUnknownCommand},
		{[]string{"kiln", "-h"}, exitOK},
		{[]string{"kiln", "-v"}, exitOK},
		{[]string{"kiln", "build", "-h"}, exitOK},
		{[]string{"kiln", "build", "t.pkr.hcl", "-force"}, exitError},
		{[]string{"kiln", "plugins"}, exitError},
	}
	for _, tt := range tests {
		f, _, _ := testFactory()
		if got := Run(t.Context(), tt.argv, f.IO, f.Getenv); got != tt.want {
			t.Errorf("Run(%q) = %d, want %d", tt.argv, got, tt.want)
		}
	}
}
