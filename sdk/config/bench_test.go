package config_test

import (
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2/hcldec"

	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/config"
)

// benchConfig is shaped like the docker builder's configuration: about 40
// keys, with squashed packer_* and communicator settings and a nested block.
type benchConfig struct {
	sdk.PackerConfig `mapstructure:",squash"`
	Comm             benchComm `mapstructure:",squash"`

	Author           string            `mapstructure:"author"`
	Changes          []string          `mapstructure:"changes"`
	Commit           bool              `mapstructure:"commit"`
	ContainerDir     string            `mapstructure:"container_dir"`
	Device           []string          `mapstructure:"device"`
	CapAdd           []string          `mapstructure:"cap_add"`
	CapDrop          []string          `mapstructure:"cap_drop"`
	Discard          bool              `mapstructure:"discard"`
	ExecUser         string            `mapstructure:"exec_user"`
	ExportPath       string            `mapstructure:"export_path"`
	Image            string            `mapstructure:"image" required:"true"`
	Message          string            `mapstructure:"message"`
	Platform         string            `mapstructure:"platform"`
	Privileged       bool              `mapstructure:"privileged"`
	Pty              bool              `mapstructure:"pty"`
	Pull             bool              `mapstructure:"pull"`
	RunCommand       []string          `mapstructure:"run_command"`
	TmpFs            []string          `mapstructure:"tmpfs"`
	Volumes          map[string]string `mapstructure:"volumes"`
	FixUploadOwner   bool              `mapstructure:"fix_upload_owner"`
	WindowsContainer bool              `mapstructure:"windows_container"`
	Runtime          string            `mapstructure:"runtime"`
	Login            bool              `mapstructure:"login"`
	LoginPassword    string            `mapstructure:"login_password"`
	LoginServer      string            `mapstructure:"login_server"`
	LoginUsername    string            `mapstructure:"login_username"`
	EcrLogin         bool              `mapstructure:"ecr_login"`
	Build            *benchBuild       `mapstructure:"build"`
}

type benchComm struct {
	Type        string        `mapstructure:"communicator"`
	SSHHost     string        `mapstructure:"ssh_host"`
	SSHPort     int           `mapstructure:"ssh_port"`
	SSHUsername string        `mapstructure:"ssh_username"`
	SSHTimeout  time.Duration `mapstructure:"ssh_timeout"`
	PauseBefore time.Duration `mapstructure:"pause_before_connecting"`
}

type benchBuild struct {
	Path      string            `mapstructure:"path" required:"true"`
	Arguments map[string]string `mapstructure:"arguments"`
	Target    string            `mapstructure:"target"`
}

const benchSrc = `
image          = "ubuntu:24.04"
author         = "kiln"
commit         = true
pull           = true
privileged     = false
platform       = "linux/amd64"
message        = "built by kiln"
changes        = ["ENV A=1", "EXPOSE 80", "LABEL a=b", "WORKDIR /app"]
run_command    = ["-d", "-i", "-t", "--entrypoint=/bin/sh", "--", "{{.Image}}"]
volumes        = { "/tmp" = "/data", "/cache" = "/cache" }
cap_add        = ["SYS_ADMIN"]
tmpfs          = ["/run"]
container_dir  = "/packer-files"
exec_user      = "root"
runtime        = "runc"
communicator   = "docker"
ssh_port       = 22
ssh_timeout    = "5m"
pause_before_connecting = "10s"
fix_upload_owner = true

build {
  path      = "Dockerfile"
  arguments = { VERSION = "1.2.3", DEBUG = "false" }
}
`

func BenchmarkSpec(b *testing.B) {
	config.Spec(&benchConfig{}) // fill the cache, as the first call does
	b.ReportAllocs()
	for b.Loop() {
		config.Spec(&benchConfig{})
	}
}

// BenchmarkDecodeHCL measures what a component's Prepare costs for an HCL
// source block: hcldec with the derived spec, then Decode with the
// packer_* settings core injects.
func BenchmarkDecodeHCL(b *testing.B) {
	body := parseHCL(b, benchSrc)
	packer := map[string]any{
		sdk.KeyBuildName: "docker.ubuntu", sdk.KeyBuilderType: "docker",
		sdk.KeyDebug: "false", sdk.KeyForce: "false", sdk.KeyOnError: "cleanup",
	}
	b.ReportAllocs()
	for b.Loop() {
		v, diags := hcldec.Decode(body, config.Spec(&benchConfig{}), nil)
		if diags.HasErrors() {
			b.Fatal(diags)
		}
		var c benchConfig
		if err := config.Decode(&c, nil, v, packer); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeJSON measures Decode alone on a JSON template's map, with
// an interpolation hook that returns its input.
func BenchmarkDecodeJSON(b *testing.B) {
	m := map[string]any{
		"image": "ubuntu:24.04", "author": "kiln", "commit": true, "pull": "true",
		"changes":     []any{"ENV A=1", "EXPOSE 80", "LABEL a=b", "WORKDIR /app"},
		"run_command": []any{"-d", "-i", "-t", "--entrypoint=/bin/sh", "--", "{{.Image}}"},
		"volumes":     map[string]any{"/tmp": "/data", "/cache": "/cache"},
		"cap_add":     "SYS_ADMIN,NET_ADMIN", "container_dir": "/packer-files",
		"communicator": "docker", "ssh_port": float64(22), "ssh_timeout": "5m",
		"build": map[string]any{"path": "Dockerfile", "arguments": map[string]any{"VERSION": "1.2.3"}},
	}
	opts := &config.DecodeOpts{
		Interpolate:        func(_, v string) (string, error) { return v, nil },
		InterpolateExclude: []string{"run_command"},
	}
	b.ReportAllocs()
	for b.Loop() {
		var c benchConfig
		if err := config.Decode(&c, opts, m); err != nil {
			b.Fatal(err)
		}
	}
}
