// Package dockerpush is the docker-push post-processor: it pushes the image
// of a docker-tag or docker-import artifact (and every tag docker-tag set)
// to its registry through the Engine API.
package dockerpush

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/hashicorp/hcl/v2/hcldec"

	"github.com/kilnbuild/kiln/awsaccess"
	"github.com/kilnbuild/kiln/builder/docker"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/config"
)

// Config is docker-push's configuration.
type Config struct {
	sdk.PackerConfig `mapstructure:",squash"`

	Login         bool   `mapstructure:"login"`
	LoginUsername string `mapstructure:"login_username"`
	LoginPassword string `mapstructure:"login_password"`
	LoginServer   string `mapstructure:"login_server"`
	// Platform is accepted for compatibility; a local image has one.
	Platform string `mapstructure:"platform"`

	// EcrLogin logs in to the Amazon ECR registry login_server for the
	// push, with a token fetched with the aws_* keys; login,
	// login_username and login_password are then ignored.
	EcrLogin bool             `mapstructure:"ecr_login"`
	AWS      awsaccess.Config `mapstructure:",squash"`

	// KeepInputArtifact is applied by core.
	KeepInputArtifact *bool `mapstructure:"keep_input_artifact"`
}

// PostProcessor is docker-push.
type PostProcessor struct {
	// Driver is the engine; nil means the Engine API driver.
	Driver docker.Driver

	config Config
}

var _ sdk.PostProcessor = (*PostProcessor)(nil)

// New returns a docker-push post-processor.
func New() sdk.PostProcessor { return &PostProcessor{} }

// ConfigSpec implements sdk.PostProcessor.
func (p *PostProcessor) ConfigSpec() hcldec.ObjectSpec { return config.Spec(&Config{}) }

// Configure implements sdk.PostProcessor.
func (p *PostProcessor) Configure(raws ...any) error {
	var c Config
	if err := config.Decode(&c, nil, raws...); err != nil {
		return err
	}
	var errs []error
	if c.EcrLogin {
		if c.LoginServer == "" {
			errs = append(errs, errors.New("ECR login requires login server to be provided"))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	p.config = c
	return nil
}

// PostProcess implements sdk.PostProcessor. It pushes the artifact's id
// and each of its docker_tags (once each), and returns an artifact with
// the same id whose generated data gains Digest (repo@sha256:…). With
// login, the credentials are checked and sent with each push; without, the
// docker CLI's stored credentials (plain config.json entries) are used
// when there are some. The input is kept.
func (p *PostProcessor) PostProcess(ctx context.Context, ui sdk.Ui, in sdk.Artifact) (sdk.Artifact, bool, bool, error) {
	switch in.BuilderId() {
	case docker.BuilderIdImport, docker.BuilderIdTag:
	default:
		return nil, false, false, fmt.Errorf("unknown artifact type: %s\ncan only import from docker-import and docker-tag artifacts", in.BuilderId())
	}
	drv, err := docker.DriverOr(p.Driver)
	if err != nil {
		return nil, false, false, err
	}
	var auth *docker.RegistryAuth
	switch {
	case p.config.EcrLogin:
		ui.Message("Fetching ECR credentials...")
		if auth, err = docker.ECRAuth(ctx, p.config.AWS, p.config.LoginServer); err != nil {
			return nil, false, false, err
		}
	case p.config.Login:
		auth = &docker.RegistryAuth{Server: p.config.LoginServer, Username: p.config.LoginUsername, Password: p.config.LoginPassword}
	}
	if auth != nil {
		ui.Message("Logging in...")
		if err := drv.Login(ctx, *auth); err != nil {
			return nil, false, false, err
		}
	}
	names := []string{in.Id()}
	tags := tagsOf(in)
	for _, t := range tags {
		if !slices.Contains(names, t) {
			names = append(names, t)
		}
	}
	var digest string
	for _, name := range names {
		a := auth
		if a == nil {
			a = docker.ConfigFileAuth(name)
		}
		ui.Message(fmt.Sprintf("Pushing: %s", name))
		d, err := drv.PushImage(ctx, name, a, ui.Message)
		if err != nil {
			return nil, false, false, err
		}
		if digest == "" && d != "" {
			digest = docker.RegistryRepo(name) + "@" + d
		}
	}
	// As Packer: the image's first repo digest, after the push.
	if info, err := drv.InspectImage(ctx, in.Id()); err == nil && len(info.RepoDigests) > 0 {
		digest = info.RepoDigests[0]
	}
	data := map[string]any{}
	if g, ok := in.State(sdk.StateGeneratedData).(map[string]any); ok {
		maps.Copy(data, g)
	}
	data["Digest"] = digest
	out := &docker.ImportArtifact{
		BuilderIdValue: docker.BuilderIdImport,
		IdValue:        in.Id(),
		Driver:         drv,
		StateData: map[string]any{
			docker.StateDockerTags: tags,
			sdk.StateGeneratedData: data,
		},
	}
	return out, true, false, nil
}

// tagsOf returns the docker_tags an artifact carries.
func tagsOf(a sdk.Artifact) []string {
	switch t := a.State(docker.StateDockerTags).(type) {
	case []string:
		return t
	case []any:
		var out []string
		for _, v := range t {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
