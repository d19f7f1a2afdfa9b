package core

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log"
	"runtime/debug"
	"sync"
	"time"

	"github.com/kilnbuild/kiln/multistep"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/ui"
)

// DebugMessage is said once before -debug builds start.
const DebugMessage = "Debug mode enabled. Builds will not be parallelized."

// RunOptions shape a run of builds.
type RunOptions struct {
	// ParallelBuilds bounds how many builds run at once; 0 (or less) means
	// no bound, 1 runs them one after the other (-parallel-builds).
	ParallelBuilds int
	// Debug runs builds one at a time and pauses before each provisioner
	// (-debug). Builders pause between steps on their own (packer_debug).
	Debug bool
	// Color gives each build its colour and announces it ("<build>: output
	// will be in this color."): -color, and not -machine-readable.
	// Whether escape codes are written is the base Ui's decision.
	Color bool
	// Timestamp prefixes each build's output with an RFC 3339 timestamp
	// (-timestamp-ui). The summary is not timestamped, as in Packer.
	Timestamp bool
	// RunUUID identifies the run (PACKER_RUN_UUID). Generated data that
	// lacks PackerRunUUID gets it.
	RunUUID string
	// Now is the clock durations are measured with; default time.Now.
	Now func() time.Time
}

// Result is the outcome of one build.
type Result struct {
	// Name is the build's full name.
	Name string
	// Started is false for a build never started (the run was cancelled
	// first).
	Started bool
	// Artifacts are what the build produced, in Packer's order. nil when
	// the builder produced no artifact; empty (not nil) when every
	// artifact went away in post-processor chains.
	Artifacts []sdk.Artifact
	// Err is why the build failed, as the builder returned it (printed
	// without a top-level *multistep.StepError's step name, as Packer's
	// builders report errors). A failed build's artifacts (those its
	// post-processor chains made before an error) are not listed in the
	// summary.
	Err      error
	Duration time.Duration
}

// Report is the outcome of a run, its results in template order.
type Report struct {
	Results  []Result
	Duration time.Duration
	// Cancelled reports that the run's context ended (Ctrl-C).
	Cancelled bool
}

// Errored counts the builds that failed (including one that could not
// start).
func (r *Report) Errored() int {
	n := 0
	for _, res := range r.Results {
		if res.Err != nil {
			n++
		}
	}
	return n
}

// Failed reports whether the run should end with a non-zero exit status:
// it was cancelled or a build failed.
func (r *Report) Failed() bool { return r.Cancelled || r.Errored() > 0 }

// Run runs builds, at most opts.ParallelBuilds at a time (one at a time
// with opts.Debug), each writing to its own Ui over base, then prints
// Packer's summary to base and returns the results in template order. A
// failing build does not stop the others; cancelling ctx stops starting
// new builds and lets the running ones clean up.
func Run(ctx context.Context, base sdk.Ui, builds []*Build, opts RunOptions) *Report {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	if opts.Debug {
		base.Say(DebugMessage)
	}
	uis := make([]sdk.Ui, len(builds))
	for i, b := range builds {
		u := base
		if opts.Color {
			u = ui.Colored(base, ui.BuildColor(i))
			u.Say(fmt.Sprintf("%s: output will be in this color.", b.Name))
			if i == len(builds)-1 {
				base.Say("")
			}
		}
		if opts.Timestamp {
			u = ui.Timestamped(u)
		}
		uis[i] = u
	}
	limit := opts.ParallelBuilds
	if limit < 1 || limit > len(builds) {
		limit = len(builds)
	}
	sequential := opts.Debug || limit == 1

	report := &Report{Results: make([]Result, len(builds))}
	start := now()
	slots := make(chan struct{}, max(limit, 1))
	var wg sync.WaitGroup
	for i, b := range builds {
		res := &report.Results[i]
		res.Name = b.Name
		if ctx.Err() != nil {
			log.Println("Interrupted, not going to start any more builds.")
			break
		}
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			uis[i].Error(fmt.Sprintf("Build '%s' failed to acquire semaphore: %s", b.Name, ctx.Err()))
			res.Err = ctx.Err()
		}
		if res.Err != nil {
			break
		}
		res.Started = true
		wg.Go(func() {
			defer func() { <-slots }()
			buildStart := now()
			log.Printf("Starting build run: %s", b.Name)
			res.Artifacts, res.Err = runBuild(ctx, b, uis[i], opts)
			res.Duration = now().Sub(buildStart)
			if res.Err != nil {
				uis[i].Error(fmt.Sprintf("Build '%s' errored after %s: %s", b.Name, FormatDuration(res.Duration), errorText(res.Err)))
			} else {
				uis[i].Say(fmt.Sprintf("Build '%s' finished after %s.", b.Name, FormatDuration(res.Duration)))
			}
		})
		if sequential {
			wg.Wait()
		}
	}
	wg.Wait()
	report.Duration = now().Sub(start)
	report.Cancelled = ctx.Err() != nil
	printSummary(base, report)
	return report
}

// runBuild runs one build: the builder, with the provision hooks
// installed, then the post-processor chains. u is the build's untargeted
// Ui. A panic anywhere in the build fails it and only it.
func runBuild(ctx context.Context, b *Build, u sdk.Ui, opts RunOptions) (artifacts []sdk.Artifact, err error) {
	defer func() {
		if r := recover(); r != nil {
			log.Printf("build %s panicked: %v\n%s", b.Name, r, debug.Stack())
			artifacts, err = nil, fmt.Errorf("build %s panicked: %v", b.Name, r)
		}
	}()
	if b.Builder == nil {
		return nil, fmt.Errorf("build %s has no builder", b.Name)
	}
	builderUi := ui.Targeted(u, b.Name, ui.NoColor)
	log.Printf("Running builder: %s", b.Type)
	artifact, err := b.Builder.Run(ctx, builderUi, b.hook(opts))
	if err != nil {
		return nil, err
	}
	if artifact == nil {
		return nil, nil
	}
	if ctx.Err() != nil {
		// As Packer: no error, no artifact (the builder's is left alone);
		// the run reports the cancellation.
		log.Println("Build was cancelled. Skipping post-processors.")
		return nil, nil
	}
	return runPostProcessors(ctx, chainRun{
		buildName: b.Name,
		builderUi: builderUi,
		parentUi:  u,
		runUUID:   opts.RunUUID,
	}, b.PostProcessors, artifact)
}

// hook returns the hook handed to the builder: the provisioners under
// sdk.HookProvision and the error-cleanup-provisioner under
// sdk.HookCleanupProvision, each only when there is one.
func (b *Build) hook(opts RunOptions) *sdk.DispatchHook {
	hooks := map[string][]sdk.Hook{}
	if len(b.Provisioners) > 0 {
		hooks[sdk.HookProvision] = []sdk.Hook{&provisionHook{
			provisioners: b.Provisioners,
			debug:        opts.Debug,
			runUUID:      opts.RunUUID,
		}}
	}
	if b.ErrorCleanupProvisioner != nil {
		// Never paused by -debug, as in Packer.
		hooks[sdk.HookCleanupProvision] = []sdk.Hook{&provisionHook{
			provisioners: []*Provisioner{b.ErrorCleanupProvisioner},
			runUUID:      opts.RunUUID,
		}}
	}
	return &sdk.DispatchHook{Hooks: hooks}
}

// errorText is how a build's error is printed. An error from a builder's
// step runner (a *multistep.StepError anywhere in the chain) is shown as
// the step's error alone, as Packer's builders report it.
func errorText(err error) string {
	var se *multistep.StepError
	if errors.As(err, &se) && se.Err != nil {
		return se.Err.Error()
	}
	return err.Error()
}

// NewRunUUID returns a random (version 4) UUID identifying one run of
// kiln, for PACKER_RUN_UUID.
func NewRunUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
