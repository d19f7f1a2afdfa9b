package chroot

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestDetectSource(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, content []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, content, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ustar := make([]byte, 512)
	copy(ustar[257:], "ustar")
	for _, tc := range []struct {
		path, want string
	}{
		{dir, SourceDirectory},
		{write("a.tar.gz", nil), SourceTarball},
		{write("a.tzst", nil), SourceTarball},
		{write("disk.img", nil), SourceRaw},
		{write("gzipped", []byte{0x1f, 0x8b, 8, 0}), SourceTarball},
		{write("zstd", []byte("\x28\xb5\x2f\xfd....")), SourceTarball},
		{write("plain-tar", ustar), SourceTarball},
		{write("disk", make([]byte, 1024)), SourceRaw},
	} {
		got, err := detectSource(tc.path)
		if err != nil || got != tc.want {
			t.Errorf("detectSource(%s) = %q, %v; want %q", filepath.Base(tc.path), got, err, tc.want)
		}
	}
	if _, err := detectSource(filepath.Join(dir, "missing")); err == nil {
		t.Error("detectSource of a missing path: no error")
	}
}

func TestParseChanges(t *testing.T) {
	apply, err := parseChanges([]string{
		`CMD ["/bin/app", "--flag"]`,
		"ENTRYPOINT /entry.sh",
		"ENV PATH=/opt/bin",
		"ENV MODE prod",
		"WORKDIR /srv",
		"USER nobody",
		`LABEL org.example.name="web"`,
		"EXPOSE 8080",
		"expose 53/udp",
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg := imageConfig{Env: []string{"PATH=/usr/bin", "HOME=/root"}, Labels: map[string]string{"keep": "me"}}
	apply(&cfg)
	want := imageConfig{
		Cmd:          []string{"/bin/app", "--flag"},
		Entrypoint:   []string{"/bin/sh", "-c", "/entry.sh"},
		Env:          []string{"HOME=/root", "PATH=/opt/bin", "MODE=prod"},
		WorkingDir:   "/srv",
		User:         "nobody",
		Labels:       map[string]string{"keep": "me", "org.example.name": "web"},
		ExposedPorts: []string{"53/udp", "8080/tcp"},
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("after the changes:\n got %+v\nwant %+v", cfg, want)
	}
	for _, bad := range []string{"RUN apt-get update", "ENV", "LABEL"} {
		if _, err := parseChanges([]string{bad}); err == nil {
			t.Errorf("parseChanges(%q): no error", bad)
		}
	}
}
