package docker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/kilnbuild/kiln/multistep"
	"github.com/kilnbuild/kiln/sdk/commonsteps"
)

// LabelManaged marks the containers kiln creates, so leftovers of a
// killed kiln can be found (`docker ps -a --filter label=build.kiln`).
// Containers that will be committed do not carry it: the engine copies a
// container's labels into the image it commits, and the image must be what
// Packer makes. Every container kiln creates is also named
// kiln-<build>-<random> (unless run_command names it), which finds those
// (`docker ps -a --filter name=kiln-`).
const LabelManaged = "build.kiln"

// cleanupTimeout bounds the removal of the container after the build.
const cleanupTimeout = 2 * time.Minute

// StepRun creates and starts the build's container from run_command,
// with the temporary directory mounted at container_dir and the volumes,
// devices, capabilities, tmpfs mounts, privileges, runtime and platform
// the options ask for. Cleanup kills and removes the container, whatever
// happened to the build, cancellation included.
type StepRun struct{}

// Run implements multistep.Step.
func (StepRun) Run(ctx context.Context, state *multistep.State) multistep.Action {
	cfg := multistep.MustGet(state, KeyConfig)
	drv := multistep.MustGet(state, KeyDriver)
	u := ui(state)
	image := multistep.MustGet(state, KeyRunImage)
	spec, err := cfg.runSpec(image)
	if err != nil {
		return multistep.HaltWith(state, err)
	}
	dir, _ := multistep.Get(state, KeyTempDir)
	if dir != "" {
		spec.Binds = append([]string{dir + ":" + cfg.ContainerDir}, spec.Binds...)
	}
	if !cfg.Commit {
		if spec.Labels == nil {
			spec.Labels = map[string]string{}
		}
		spec.Labels[LabelManaged] = cfg.PackerBuildName
	}
	if spec.Name == "" {
		spec.Name = containerName(cfg.PackerBuildName)
	}
	u.Say("Starting docker container...")
	u.Message(fmt.Sprintf("Run command: %s", cfg.runCommandLine(image, dir)))
	id, err := drv.CreateContainer(ctx, spec)
	if err != nil {
		return multistep.HaltWith(state, err)
	}
	// Recorded before starting, so that Cleanup removes a container that
	// failed to start.
	multistep.Put(state, KeyContainerID, id)
	if err := drv.StartContainer(ctx, id); err != nil {
		return multistep.HaltWith(state, err)
	}
	u.Message(fmt.Sprintf("Container ID: %s", id))
	multistep.Put(state, commonsteps.KeyInstanceID, id)
	return multistep.Continue
}

// Cleanup implements multistep.Step.
func (StepRun) Cleanup(state *multistep.State) {
	id, ok := multistep.Get(state, KeyContainerID)
	if !ok || id == "" {
		return
	}
	drv := multistep.MustGet(state, KeyDriver)
	u := ui(state)
	u.Say(fmt.Sprintf("Killing the container: %s", id))
	// The build's context may be cancelled already: removal gets its own.
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	if err := drv.RemoveContainer(ctx, id); err != nil {
		u.Error(fmt.Sprintf("Error removing container %s: %v", id, err))
	}
}

// containerName is "kiln-<build>-<8 random hex digits>", with the build
// name reduced to what container names allow.
func containerName(build string) string {
	var b strings.Builder
	for _, r := range build {
		switch {
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9', r == '_', r == '.', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
		if b.Len() >= 40 {
			break
		}
	}
	var suffix [4]byte
	_, _ = rand.Read(suffix[:])
	name := "kiln-"
	if b.Len() > 0 {
		name += b.String() + "-"
	}
	return name + hex.EncodeToString(suffix[:])
}
