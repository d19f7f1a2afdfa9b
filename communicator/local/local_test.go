package local

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kilnbuild/kiln/sdk"
)

func run(t *testing.T, c *Communicator, command string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := &sdk.RemoteCmd{Command: command, Stdout: &out, Stderr: &errb}
	if err := c.Start(t.Context(), cmd); err != nil {
		t.Fatalf("Start(%q): %v", command, err)
	}
	return cmd.Wait(), out.String(), errb.String()
}

func TestStartReportsExitStatusAndOutput(t *testing.T) {
	c := &Communicator{}
	for _, tc := range []struct {
		cmd        string
		status     int
		out, errOu string
	}{
		{"echo hello", 0, "hello\n", ""},
		{"echo oops >&2; exit 3", 3, "", "oops\n"},
		{"exit 0", 0, "", ""},
	} {
		st, out, errOut := run(t, c, tc.cmd)
		if st != tc.status || out != tc.out || errOut != tc.errOu {
			t.Errorf("%q: got (%d, %q, %q), want (%d, %q, %q)", tc.cmd, st, out, errOut, tc.status, tc.out, tc.errOu)
		}
	}
}

func TestStartWithStdinAndArgv(t *testing.T) {
	c := &Communicator{ExecuteCommand: []string{"/bin/sh", "-c", "tr a-z A-Z"}}
	var out bytes.Buffer
	cmd := &sdk.RemoteCmd{Command: "ignored", Stdin: strings.NewReader("abc"), Stdout: &out}
	if err := c.Start(t.Context(), cmd); err != nil {
		t.Fatal(err)
	}
	if st := cmd.Wait(); st != 0 || out.String() != "ABC" {
		t.Fatalf("got (%d, %q), want (0, %q)", st, out.String(), "ABC")
	}
}

func TestStartCancelKillsCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cmd := &sdk.RemoteCmd{Command: "sleep 60"}
	if err := (&Communicator{}).Start(ctx, cmd); err != nil {
		t.Fatal(err)
	}
	cancel()
	if st := cmd.Wait(); st == 0 {
		t.Fatalf("cancelled command exited 0")
	}
}

func TestUploadKeepsMode(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	if err := os.WriteFile(src, []byte("data"), 0o750); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(src)
	dst := filepath.Join(dir, "dst")
	if err := (&Communicator{}).Upload(t.Context(), dst, strings.NewReader("data"), fi); err != nil {
		t.Fatal(err)
	}
	got, _ := os.Stat(dst)
	if got.Mode().Perm() != 0o750 {
		t.Errorf("mode = %v, want 0750", got.Mode().Perm())
	}
	if err := (&Communicator{}).Upload(t.Context(), filepath.Join(dir, "missing", "x"), strings.NewReader(""), nil); err == nil {
		t.Error("upload into a missing directory succeeded")
	}
}

// tree lists the files under dir, relative, slash-separated.
func tree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	slices.Sort(out)
	return out
}

func makeTree(t *testing.T) string {
	t.Helper()
	src := filepath.Join(t.TempDir(), "dir")
	for _, f := range []string{"a.txt", "sub/b.txt", "skip.log"} {
		p := filepath.Join(src, f)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return src
}

func TestUploadDirTrailingSlash(t *testing.T) {
	src := makeTree(t)
	for _, tc := range []struct {
		src  string
		want []string
	}{
		{src, []string{"dir/a.txt", "dir/skip.log", "dir/sub/b.txt"}},
		{src + "/", []string{"a.txt", "skip.log", "sub/b.txt"}},
	} {
		dst := filepath.Join(t.TempDir(), "new", "dst")
		if err := (&Communicator{}).UploadDir(t.Context(), dst, tc.src, nil); err != nil {
			t.Fatal(err)
		}
		if got := tree(t, dst); !slices.Equal(got, tc.want) {
			t.Errorf("UploadDir(%q): got %v, want %v", tc.src, got, tc.want)
		}
	}
	dst := t.TempDir()
	if err := (&Communicator{}).UploadDir(t.Context(), dst, src+"/", []string{"*.log"}); err != nil {
		t.Fatal(err)
	}
	if got, want := tree(t, dst), []string{"a.txt", "sub/b.txt"}; !slices.Equal(got, want) {
		t.Errorf("exclude: got %v, want %v", got, want)
	}
}

func TestDownloadAndDownloadDirGlob(t *testing.T) {
	src := makeTree(t)
	var buf bytes.Buffer
	if err := (&Communicator{}).Download(t.Context(), filepath.Join(src, "a.txt"), &buf); err != nil || buf.String() != "a.txt" {
		t.Fatalf("Download: %q, %v", buf.String(), err)
	}
	dst := t.TempDir()
	if err := (&Communicator{}).DownloadDir(t.Context(), filepath.Join(src, "*.txt"), dst, nil); err != nil {
		t.Fatal(err)
	}
	if got, want := tree(t, dst), []string{"a.txt"}; !slices.Equal(got, want) {
		t.Errorf("glob download: got %v, want %v", got, want)
	}
}
