package docker

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"

	"github.com/kilnbuild/kiln/sdk"
)

func TestPrepareDefaults(t *testing.T) {
	var c Config
	if _, err := c.prepare(map[string]any{"image": "x", "commit": true}); err != nil {
		t.Fatal(err)
	}
	if !c.Pull || c.Communicator != "docker" || c.ContainerDir != "/packer-files" || !c.FixUploadOwner {
		t.Errorf("defaults: pull %v communicator %q container_dir %q fix_upload_owner %v", c.Pull, c.Communicator, c.ContainerDir, c.FixUploadOwner)
	}
	if d := cmp.Diff(DefaultRunCommand, c.RunCommand); d != "" {
		t.Errorf("run_command (-want +got):\n%s", d)
	}
}

// Packer's quirk: fix_upload_owner defaults to true for JSON templates and
// false for HCL2 ones; an explicit value wins in both.
func TestPrepareFixUploadOwnerDefaultByTemplateKind(t *testing.T) {
	hcl := func(attrs map[string]cty.Value) cty.Value { return cty.ObjectVal(attrs) }
	for _, tc := range []struct {
		name string
		raw  any
		want bool
	}{
		{"json default", map[string]any{"image": "x", "commit": true}, true},
		{"json false", map[string]any{"image": "x", "commit": true, "fix_upload_owner": false}, false},
		{"hcl default", hcl(map[string]cty.Value{"image": cty.StringVal("x"), "commit": cty.True, "fix_upload_owner": cty.NullVal(cty.Bool)}), false},
		{"hcl true", hcl(map[string]cty.Value{"image": cty.StringVal("x"), "commit": cty.True, "fix_upload_owner": cty.True}), true},
	} {
		var c Config
		if _, err := c.prepare(tc.raw); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if c.FixUploadOwner != tc.want {
			t.Errorf("%s: fix_upload_owner = %v, want %v", tc.name, c.FixUploadOwner, tc.want)
		}
		if !c.Pull {
			t.Errorf("%s: pull should default to true", tc.name)
		}
	}
}

func TestPrepareErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		raw  map[string]any
		want string
	}{
		{map[string]any{"image": "x"}, "no instructions given for handling the artifact"},
		{map[string]any{"image": "x", "commit": true, "discard": true}, "cannot specify more than one of commit, discard, and export_path"},
		{map[string]any{"image": "x", "commit": true, "export_path": "a.tar"}, "cannot specify more than one"},
		{map[string]any{"image": "x", "export_path": dir}, "export_path must be a file, not a directory"},
		{map[string]any{"commit": true}, "missing 'image' attribute or 'build' section"},
		{map[string]any{"image": "x", "commit": true, "ecr_login": true}, "ECR login requires login server"},
		{map[string]any{"image": "x", "commit": true, "windows_container": true}, "Windows containers are not supported"},
		{map[string]any{"image": "x", "commit": true, "communicator": "ssh"}, `communicator "ssh" is not supported`},
		{map[string]any{"image": "x", "commit": true, "run_command": []any{"-d", "--publish", "80:80", "{{.Image}}"}}, "docker run flag --publish is not supported"},
		{map[string]any{"image": "x", "commit": true, "run_command": []any{"-d"}}, "no image given"},
		{map[string]any{"image": "x", "commit": true, "device": []any{"/dev/x:/y:q"}}, "invalid device"},
		{map[string]any{"image": "x", "commit": true, "imgae": "y"}, `did you mean "image"`},
		{map[string]any{"image": "x", "discard": true, "build": map[string]any{"path": filepath.Join(dir, "nope")}}, "build.path"},
	} {
		var c Config
		_, err := c.prepare(tc.raw)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("prepare(%v) = %v, want an error containing %q", tc.raw, err, tc.want)
		}
	}
}

func TestPrepareBuildBlock(t *testing.T) {
	dir := t.TempDir()
	df := filepath.Join(dir, "Dockerfile")
	if err := os.WriteFile(df, []byte("FROM x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var c Config
	warns, err := c.prepare(map[string]any{"discard": true, "pull": true, "build": map[string]any{"path": df, "platform": "linux/amd64"}})
	if err != nil {
		t.Fatal(err)
	}
	if c.Pull || c.Build.BuildDir != "." || c.Platform != "linux/amd64" || len(warns) != 1 {
		t.Errorf("pull %v build_dir %q platform %q warnings %q", c.Pull, c.Build.BuildDir, c.Platform, warns)
	}
	if _, err := c.prepare(map[string]any{"discard": true, "image": "x", "platform": "p", "build": map[string]any{"path": df}}); err == nil ||
		!strings.Contains(err.Error(), "`image` cannot be specified") || !strings.Contains(err.Error(), "`platform` option cannot be specified") {
		t.Errorf("image/platform with build: %v", err)
	}
}

func TestBuilderConfigSpecAndGeneratedVars(t *testing.T) {
	b := New()
	spec := b.ConfigSpec()
	for _, k := range []string{"image", "commit", "run_command", "build", "fix_upload_owner", "login_password", "ecr_login", "aws_access_key", "aws_force_use_public_ecr", "packer_build_name"} {
		if _, ok := spec[k]; !ok {
			t.Errorf("ConfigSpec has no %q", k)
		}
	}
	vars, _, err := b.Prepare(map[string]any{"image": "x", "discard": true}, map[string]any{sdk.KeyBuildName: "busybox"})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"ImageSha256", "SourceImageDigest", "SourceImageSha256"}, vars); d != "" {
		t.Errorf("generated vars (-want +got):\n%s", d)
	}
}

func TestParseRunCommand(t *testing.T) {
	t.Setenv("KILN_TEST_PASSED", "through")
	for _, tc := range []struct {
		args []string
		want ContainerSpec
	}{
		{DefaultRunCommand[:5], ContainerSpec{}}, // replaced below: needs an image
		{[]string{"-d", "-i", "-t", "--entrypoint=/bin/sh", "--", "img"},
			ContainerSpec{Image: "img", Entrypoint: []string{"/bin/sh"}, EntrypointSet: true, Tty: true, OpenStdin: true}},
		{[]string{"-d", "-i", "-t", "--cgroupns=host", "{{ .Image }}"}, // CowDogMoo/warpgate's
			ContainerSpec{Image: "{{ .Image }}", Tty: true, OpenStdin: true, CgroupnsMode: "host"}},
		{[]string{"-dit", "img", "/bin/sh", "-c", "sleep 1"},
			ContainerSpec{Image: "img", Tty: true, OpenStdin: true, Cmd: []string{"/bin/sh", "-c", "sleep 1"}}},
		{[]string{"--detach", "--interactive", "--tty", "--entrypoint", "", "-u", "42", "-eA=1", "-e", "KILN_TEST_PASSED", "-e", "KILN_TEST_UNSET",
			"-v", "/a:/b:ro", "--volume=/c:/d", "--name", "n", "--net=host", "--privileged", "--rm", "-w", "/w", "--cap-add", "NET_ADMIN",
			"--tmpfs", "/t:size=1m", "--device", "/dev/fuse:rw", "--memory", "64m", "--cpus=1.5", "-l", "k=v", "--init", "img"},
			ContainerSpec{Image: "img", EntrypointSet: true, Tty: true, OpenStdin: true, User: "42", Env: []string{"A=1", "KILN_TEST_PASSED=through"},
				Binds: []string{"/a:/b:ro", "/c:/d"}, Name: "n", NetworkMode: "host", Privileged: true, AutoRemove: true, WorkingDir: "/w",
				CapAdd: []string{"NET_ADMIN"}, Tmpfs: map[string]string{"/t": "size=1m"}, Devices: []DeviceMapping{{"/dev/fuse", "/dev/fuse", "rw"}},
				Memory: 64 << 20, NanoCPUs: 1500000000, Labels: map[string]string{"k": "v"}, Init: ptr(true)}},
	} {
		if tc.want.Image == "" {
			continue
		}
		got, err := parseRunCommand(tc.args)
		if err != nil {
			t.Errorf("parseRunCommand(%q): %v", tc.args, err)
			continue
		}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("parseRunCommand(%q) (-want +got):\n%s", tc.args, d)
		}
	}
	for _, bad := range [][]string{{"-x", "img"}, {"--entrypoint"}, {"-e"}, {"--cpus", "lots", "img"}, {"-d=maybe", "img"}, {"--cgroupns=shared", "img"}} {
		if _, err := parseRunCommand(bad); err == nil {
			t.Errorf("parseRunCommand(%q) succeeded", bad)
		}
	}
}

func ptr[T any](v T) *T { return &v }
