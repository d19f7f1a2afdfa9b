package docker

import (
	"context"
	"fmt"

	"github.com/kilnbuild/kiln/multistep"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/commonsteps"
)

// ui returns the build's Ui, or one that discards everything.
func ui(state *multistep.State) sdk.Ui {
	if u, ok := multistep.Get(state, commonsteps.KeyUi); ok && u != nil {
		return u
	}
	return discardUi{}
}

// StepPull pulls the base image when pull is set (with the login
// credentials, passed to the engine with the pull itself: nothing is
// stored), then records what the image is: SourceImageSha256 and, when the
// image came from a registry, SourceImageDigest. Packer records them only
// after a pull; kiln also does for a local image.
type StepPull struct{}

// Run implements multistep.Step.
func (StepPull) Run(ctx context.Context, state *multistep.State) multistep.Action {
	cfg := multistep.MustGet(state, KeyConfig)
	drv := multistep.MustGet(state, KeyDriver)
	u := ui(state)
	if cfg.Pull {
		u.Say(fmt.Sprintf("Pulling Docker image: %s", cfg.Image))
		if cfg.EcrLogin {
			u.Message("Fetching ECR credentials...")
		}
		auth, err := cfg.registryAuth(ctx)
		if err != nil {
			return multistep.HaltWith(state, err)
		}
		if auth != nil {
			u.Message("Logging in...")
			if err := drv.Login(ctx, *auth); err != nil {
				return multistep.HaltWith(state, err)
			}
		}
		if err := drv.PullImage(ctx, cfg.Image, cfg.Platform, auth, u.Message); err != nil {
			return multistep.HaltWith(state, err)
		}
	}
	info, err := drv.InspectImage(ctx, cfg.Image)
	if err != nil {
		if IsNotFound(err) && !cfg.Pull {
			err = fmt.Errorf("image %s is not available locally and pull is false: %w", cfg.Image, err)
		}
		return multistep.HaltWith(state, err)
	}
	multistep.Put(state, KeySourceImage, info)
	multistep.Put(state, KeyRunImage, cfg.Image)
	commonsteps.PutGenerated(state, GenSourceImageSha256, info.ID)
	if len(info.RepoDigests) > 0 {
		commonsteps.PutGenerated(state, GenSourceImageDigest, info.RepoDigests[0])
	}
	return multistep.Continue
}

// Cleanup implements multistep.Step.
func (StepPull) Cleanup(*multistep.State) {}

// StepBuild builds the base image from the `build {}` block's Dockerfile,
// streaming the build context to the engine.
type StepBuild struct{}

// Run implements multistep.Step.
func (StepBuild) Run(ctx context.Context, state *multistep.State) multistep.Action {
	cfg := multistep.MustGet(state, KeyConfig)
	drv := multistep.MustGet(state, KeyDriver)
	u := ui(state)
	b := cfg.Build
	u.Say(fmt.Sprintf("Building base image from %s", b.Path))
	id, err := drv.BuildImage(ctx, BuildSpec{
		Dockerfile: b.Path,
		ContextDir: b.BuildDir,
		BuildArgs:  b.Arguments,
		Platform:   b.Platform,
		Pull:       b.Pull == nil || *b.Pull,
		Compress:   b.Compress,
	}, u.Message)
	if err != nil {
		return multistep.HaltWith(state, err)
	}
	u.Message(fmt.Sprintf("Built image: %s", id))
	info, err := drv.InspectImage(ctx, id)
	if err != nil {
		return multistep.HaltWith(state, err)
	}
	multistep.Put(state, KeySourceImage, info)
	multistep.Put(state, KeyRunImage, id)
	commonsteps.PutGenerated(state, GenSourceImageSha256, info.ID)
	commonsteps.PutGenerated(state, GenSourceImageDigest, "")
	return multistep.Continue
}

// Cleanup implements multistep.Step.
func (StepBuild) Cleanup(*multistep.State) {}
