package core

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/ui"
)

// TestRunOnError runs a build whose provisioner fails, with an
// error-cleanup-provisioner, under each -on-error mode, through the real
// provision hook and commonsteps runner.
func TestRunOnError(t *testing.T) {
	const provErr = "boom"
	tests := []struct {
		name      string
		onError   string
		answers   []string
		failures  int // of the main provisioner
		cleanupOK bool
		events    []string
		lines     []string
		err       string
	}{
		{
			name: "cleanup (default)", onError: "", failures: 1, cleanupOK: true,
			events: []string{"run create", "provision main", "provision cleanup", "cleanup create"},
			lines: []string{
				"==> fake.a: Provisioning step had errors: Running the cleanup provisioner, if present...",
			},
			err: provErr,
		},
		{
			name: "cleanup provisioner failure replaces the error", onError: "cleanup", failures: 1,
			events: []string{"run create", "provision main", "provision cleanup", "cleanup create"},
			lines: []string{
				"==> fake.a: Provisioning step had errors: Running the cleanup provisioner, if present...",
			},
			err: "Cleanup failed: cleanup boom. Original Provisioning error: boom",
		},
		{
			name: "abort", onError: "abort", failures: 1, cleanupOK: true,
			events: []string{"run create", "provision main"},
			lines: []string{
				"==> fake.a: boom",
				`==> fake.a: Step "StepProvision" failed, aborting...`,
				`==> fake.a: aborted: skipping cleanup of step "create"`,
			},
			err: provErr,
		},
		{
			name: "run-cleanup-provisioner", onError: "run-cleanup-provisioner", failures: 1, cleanupOK: true,
			events: []string{"run create", "provision main", "provision cleanup"},
			lines: []string{
				"==> fake.a: Provisioning step had errors: Running the cleanup provisioner, if present...",
				"==> fake.a: boom",
				// Packer names the step being skipped, not the failed one.
				`==> fake.a: Step "create" failed, aborting...`,
			},
			err: provErr,
		},
		{
			name: "ask, clean up", onError: "ask", answers: []string{"c"}, failures: 1, cleanupOK: true,
			events: []string{"run create", "provision main", "provision cleanup", "cleanup create"},
			lines: []string{
				"==> fake.a: boom",
				`==> fake.a: Step "StepProvision" failed`,
				"==> fake.a: Provisioning step had errors: Running the cleanup provisioner, if present...",
			},
			err: provErr,
		},
		{
			name: "ask, abort", onError: "ask", answers: []string{"A"}, failures: 1, cleanupOK: true,
			events: []string{"run create", "provision main"},
			lines: []string{
				"==> fake.a: boom",
				`==> fake.a: Step "StepProvision" failed`,
				"==> fake.a: boom",
				`==> fake.a: Step "StepProvision" failed, aborting...`,
				`==> fake.a: aborted: skipping cleanup of step "create"`,
			},
			err: provErr,
		},
		{
			name: "ask, retry: the build still fails", onError: "ask", answers: []string{"x", "retry"}, failures: 1, cleanupOK: true,
			events: []string{"run create", "provision main", "provision main", "provision cleanup", "cleanup create"},
			lines: []string{
				"==> fake.a: boom",
				`==> fake.a: Step "StepProvision" failed`,
				`==> fake.a: Incorrect input: "x"`,
				"==> fake.a: Provisioning step had errors: Running the cleanup provisioner, if present...",
			},
			err: provErr,
		},
		{
			name: "success: abort cleans up", onError: "abort", failures: 0, cleanupOK: true,
			events: []string{"run create", "provision main", "cleanup create"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := &events{}
			calls := 0
			main := &fakeProvisioner{name: "main", events: ev, provision: func(context.Context, sdk.Ui, map[string]any) error {
				calls++
				if calls <= tt.failures {
					return errors.New("boom")
				}
				return nil
			}}
			cleanup := &fakeProvisioner{name: "cleanup", events: ev, provision: func(context.Context, sdk.Ui, map[string]any) error {
				if !tt.cleanupOK {
					return errors.New("cleanup boom")
				}
				return nil
			}}
			b := &Build{
				Name:                    "fake.a",
				Builder:                 &fakeBuilder{id: "a", events: ev, cfg: sdk.PackerConfig{PackerOnError: tt.onError}, artifact: &fakeArtifact{id: "a"}},
				Provisioners:            []*Provisioner{provisioner(main, nil)},
				ErrorCleanupProvisioner: provisioner(cleanup, nil),
			}
			rec := &ui.Recorder{Answers: tt.answers}
			_, err := runBuild(t.Context(), b, rec, RunOptions{})
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if want := tt.err; want != "" {
				want = "StepProvision: " + want
				if gotErr != want {
					t.Errorf("err = %q, want %q", gotErr, want)
				}
			} else if err != nil {
				t.Errorf("err = %v", err)
			}
			if d := cmp.Diff(tt.events, ev.list()); d != "" {
				t.Errorf("events (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.lines, rec.Lines()); d != "" {
				t.Errorf("ui (-want +got):\n%s", d)
			}
		})
	}
}

func TestRunErrorCleanupProvisionerOnCancel(t *testing.T) {
	// Interrupted while provisioning: the cleanup provisioner still runs,
	// with a live context, then the steps clean up.
	ev := &events{}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	main := &fakeProvisioner{name: "main", events: ev, provision: func(ctx context.Context, _ sdk.Ui, _ map[string]any) error {
		cancel()
		return ctx.Err()
	}}
	var cleanupCtxErr error
	cleanup := &fakeProvisioner{name: "cleanup", events: ev, provision: func(ctx context.Context, _ sdk.Ui, _ map[string]any) error {
		cleanupCtxErr = ctx.Err()
		return nil
	}}
	b := &Build{
		Name:                    "fake.a",
		Builder:                 &fakeBuilder{id: "a", events: ev},
		Provisioners:            []*Provisioner{provisioner(main, nil)},
		ErrorCleanupProvisioner: provisioner(cleanup, nil),
	}
	rep := Run(ctx, ui.NewNoop(), []*Build{b}, RunOptions{})
	if !rep.Cancelled || !errors.Is(rep.Results[0].Err, context.Canceled) {
		t.Errorf("cancelled=%v err=%v", rep.Cancelled, rep.Results[0].Err)
	}
	if d := cmp.Diff([]string{"run create", "provision main", "provision cleanup", "cleanup create"}, ev.list()); d != "" {
		t.Errorf("events (-want +got):\n%s", d)
	}
	if cleanupCtxErr != nil {
		t.Errorf("cleanup provisioner ran with a cancelled context: %v", cleanupCtxErr)
	}
}

func TestRunAbortOnInterrupt(t *testing.T) {
	// -on-error=abort also leaves everything in place after Ctrl-C, as
	// Packer's runner does.
	ev := &events{}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	main := &fakeProvisioner{name: "main", events: ev, provision: func(ctx context.Context, _ sdk.Ui, _ map[string]any) error {
		cancel()
		return ctx.Err()
	}}
	b := &Build{
		Name:         "fake.a",
		Builder:      &fakeBuilder{id: "a", events: ev, cfg: sdk.PackerConfig{PackerOnError: "abort"}},
		Provisioners: []*Provisioner{provisioner(main, nil)},
	}
	rec := &ui.Recorder{}
	_, _ = runBuild(ctx, b, rec, RunOptions{})
	if d := cmp.Diff([]string{"run create", "provision main"}, ev.list()); d != "" {
		t.Errorf("events (-want +got):\n%s", d)
	}
	want := []string{
		"==> fake.a: context canceled",
		"==> fake.a: Interrupted, aborting...",
		`==> fake.a: aborted: skipping cleanup of step "create"`,
	}
	if d := cmp.Diff(want, rec.Lines()); d != "" {
		t.Errorf("ui (-want +got):\n%s", d)
	}
}
