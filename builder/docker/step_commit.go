package docker

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/kilnbuild/kiln/multistep"
	"github.com/kilnbuild/kiln/sdk/commonsteps"
)

// StepSetDefaults computes the Dockerfile instructions the commit
// applies: the configured changes, plus the base image's CMD and
// ENTRYPOINT when the changes do not set them, so that run_command's
// --entrypoint does not leak into the image (an unset one becomes [""], as
// in Packer).
type StepSetDefaults struct{}

// Run implements multistep.Step.
func (StepSetDefaults) Run(ctx context.Context, state *multistep.State) multistep.Action {
	cfg := multistep.MustGet(state, KeyConfig)
	info, ok := multistep.Get(state, KeySourceImage)
	if !ok {
		var err error
		drv := multistep.MustGet(state, KeyDriver)
		if info, err = drv.InspectImage(ctx, multistep.MustGet(state, KeyRunImage)); err != nil {
			return multistep.HaltWith(state, err)
		}
	}
	changes := slices.Clone(cfg.Changes)
	hasCmd, hasEntrypoint := false, false
	for _, c := range changes {
		word, _, _ := strings.Cut(strings.TrimSpace(c), " ")
		switch strings.ToUpper(word) {
		case "CMD":
			hasCmd = true
		case "ENTRYPOINT":
			hasEntrypoint = true
		}
	}
	if !hasCmd {
		changes = append(changes, "CMD "+execForm(info.Cmd))
	}
	if !hasEntrypoint {
		changes = append(changes, "ENTRYPOINT "+execForm(info.Entrypoint))
	}
	multistep.Put(state, KeyCommitChanges, changes)
	return multistep.Continue
}

// execForm writes args as a Dockerfile exec-form array; none is [""].
func execForm(args []string) string {
	if len(args) == 0 {
		return `[""]`
	}
	b, _ := json.Marshal(args)
	return string(b)
}

// Cleanup implements multistep.Step.
func (StepSetDefaults) Cleanup(*multistep.State) {}

// StepCommit commits the container to an image (pausing it meanwhile, as
// `docker commit` does) and records its id as ImageSha256.
type StepCommit struct{}

// Run implements multistep.Step.
func (StepCommit) Run(ctx context.Context, state *multistep.State) multistep.Action {
	cfg := multistep.MustGet(state, KeyConfig)
	drv := multistep.MustGet(state, KeyDriver)
	id := multistep.MustGet(state, KeyContainerID)
	changes, ok := multistep.Get(state, KeyCommitChanges)
	if !ok {
		changes = cfg.Changes
	}
	u := ui(state)
	u.Say("Committing the container")
	imageID, err := drv.Commit(ctx, id, CommitSpec{
		Author:  cfg.Author,
		Message: cfg.Message,
		Changes: changes,
		Pause:   true,
	})
	if err != nil {
		return multistep.HaltWith(state, err)
	}
	multistep.Put(state, KeyImageID, imageID)
	commonsteps.PutGenerated(state, GenImageSha256, imageID)
	u.Message(fmt.Sprintf("Image ID: %s", imageID))
	return multistep.Continue
}

// Cleanup implements multistep.Step.
func (StepCommit) Cleanup(*multistep.State) {}
