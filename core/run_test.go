package core

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kilnbuild/kiln/multistep"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/ui"
)

// fixedClock makes every duration zero ("0 seconds").
func fixedClock() time.Time { return time.Unix(1700000000, 0) }

func TestMain(m *testing.M) {
	// Core logs what Packer logs (panics with their stacks included).
	log.SetOutput(io.Discard)
	os.Exit(m.Run())
}

// summaryBuilds are three builds: one with an artifact (two files) going
// through a post-processor that keeps it, one failing in a step after
// provisioning, one producing no artifact.
func summaryBuilds(ev *events) []*Build {
	ok := &fakeBuilder{id: "c1", events: ev, artifact: &fakeArtifact{
		id: "img-1", builderID: "fake.builder", str: "Image, with comma\nsecond line", files: []string{"a.tar", "b.tar"}, events: ev,
	}}
	pp := &fakePP{events: ev, name: "tag", keep: true, out: &fakeArtifact{id: "tagged", builderID: "fake.pp", events: ev}}
	failing := &fakeBuilder{id: "c2", events: ev, after: []multistep.Step{&fakeStep{name: "commit", events: ev,
		run: func(_ context.Context, s *multistep.State) multistep.Action {
			return multistep.HaltWith(s, errors.New("commit failed"))
		}}}}
	empty := &fakeBuilder{id: "c3", events: ev}
	return []*Build{
		{Name: "fake.ok", Type: "fake", Builder: ok, PostProcessors: [][]*PostProcessor{{postProcessor(pp, nil)}}},
		{Name: "fake.failing", Type: "fake", Builder: failing},
		{Name: "fake.empty", Type: "fake", Builder: empty},
	}
}

func TestRunSummaryHuman(t *testing.T) {
	var out bytes.Buffer
	base := ui.NewBasic(ui.BasicOptions{Out: &out})
	ev := &events{}
	report := Run(t.Context(), base, summaryBuilds(ev), RunOptions{ParallelBuilds: 1, Color: true, Now: fixedClock})

	want := `fake.ok: output will be in this color.
fake.failing: output will be in this color.
fake.empty: output will be in this color.

==> fake.ok: Running post-processor: tag (type fake-pp)
==> fake.ok (fake-pp): post-processing img-1
Build 'fake.ok' finished after 0 seconds.
==> fake.failing: Provisioning step had errors: Running the cleanup provisioner, if present...
Build 'fake.failing' errored after 0 seconds: commit failed
Build 'fake.empty' finished after 0 seconds.

==> Wait completed after 0 seconds

==> Some builds didn't complete successfully and had errors:
--> fake.failing: commit failed

==> Builds finished. The artifacts of successful builds are:
--> fake.ok: Image, with comma
second line
--> fake.ok: artifact tagged
`
	if d := cmp.Diff(want, out.String()); d != "" {
		t.Errorf("output (-want +got):\n%s", d)
	}
	if !report.Failed() || report.Cancelled || report.Errored() != 1 {
		t.Errorf("failed=%v cancelled=%v errored=%d", report.Failed(), report.Cancelled, report.Errored())
	}
	names := []string{report.Results[0].Name, report.Results[1].Name, report.Results[2].Name}
	if d := cmp.Diff([]string{"fake.ok", "fake.failing", "fake.empty"}, names); d != "" {
		t.Errorf("result order (-want +got):\n%s", d)
	}
	if report.Results[2].Artifacts != nil {
		t.Errorf("a build without artifact has artifacts %v", report.Results[2].Artifacts)
	}
}

func TestRunSummaryMachineReadable(t *testing.T) {
	var out bytes.Buffer
	base := ui.NewMachineReadable(ui.MachineOptions{Out: &out, Now: fixedClock})
	ev := &events{}
	Run(t.Context(), base, summaryBuilds(ev), RunOptions{ParallelBuilds: 1, Now: fixedClock})

	want := `1700000000,,ui,say,==> fake.ok: Running post-processor: tag (type fake-pp)
1700000000,,ui,say,==> fake.ok (fake-pp): post-processing img-1
1700000000,,ui,say,Build 'fake.ok' finished after 0 seconds.
1700000000,,ui,say,==> fake.failing: Provisioning step had errors: Running the cleanup provisioner%!(PACKER_COMMA) if present...
1700000000,,ui,error,Build 'fake.failing' errored after 0 seconds: commit failed
1700000000,,ui,say,Build 'fake.empty' finished after 0 seconds.
1700000000,,ui,say,\n==> Wait completed after 0 seconds
1700000000,,error-count,1
1700000000,,ui,error,\n==> Some builds didn't complete successfully and had errors:
1700000000,fake.failing,error,commit failed
1700000000,,ui,error,--> fake.failing: commit failed
1700000000,,ui,say,\n==> Builds finished. The artifacts of successful builds are:
1700000000,fake.ok,artifact-count,2
1700000000,fake.ok,artifact,0,builder-id,fake.builder
1700000000,fake.ok,artifact,0,id,img-1
1700000000,fake.ok,artifact,0,string,Image%!(PACKER_COMMA) with comma\nsecond line
1700000000,fake.ok,artifact,0,files-count,2
1700000000,fake.ok,artifact,0,file,0,a.tar
1700000000,fake.ok,artifact,0,file,1,b.tar
1700000000,fake.ok,artifact,0,end
1700000000,,ui,say,--> fake.ok: Image%!(PACKER_COMMA) with comma\nsecond line
1700000000,fake.ok,artifact,1,builder-id,fake.pp
1700000000,fake.ok,artifact,1,id,tagged
1700000000,fake.ok,artifact,1,string,artifact tagged
1700000000,fake.ok,artifact,1,files-count,0
1700000000,fake.ok,artifact,1,end
1700000000,,ui,say,--> fake.ok: artifact tagged
`
	if d := cmp.Diff(want, out.String()); d != "" {
		t.Errorf("output (-want +got):\n%s", d)
	}
}

func TestRunNoArtifacts(t *testing.T) {
	rec := &ui.Recorder{}
	ev := &events{}
	report := Run(t.Context(), rec, []*Build{{Name: "fake.a", Builder: &fakeBuilder{id: "a", events: ev}}}, RunOptions{Now: fixedClock})
	want := []string{
		"Build 'fake.a' finished after 0 seconds.",
		"\n==> Wait completed after 0 seconds",
		"\n==> Builds finished but no artifacts were created.",
	}
	if d := cmp.Diff(want, rec.Lines()); d != "" {
		t.Errorf("lines (-want +got):\n%s", d)
	}
	if report.Failed() {
		t.Error("Failed() = true for a successful run")
	}
}

func TestRunTimestampsBuildOutputOnly(t *testing.T) {
	rec := &ui.Recorder{}
	ev := &events{}
	Run(t.Context(), rec, []*Build{{Name: "fake.a", Builder: &fakeBuilder{id: "a", events: ev}}}, RunOptions{Timestamp: true, Now: fixedClock})
	lines := rec.Lines()
	if len(lines) != 3 {
		t.Fatalf("lines = %q", lines)
	}
	if !strings.HasSuffix(lines[0], ": Build 'fake.a' finished after 0 seconds.") || strings.HasPrefix(lines[0], "Build") {
		t.Errorf("build line not timestamped: %q", lines[0])
	}
	if lines[1] != "\n==> Wait completed after 0 seconds" {
		t.Errorf("summary line timestamped: %q", lines[1])
	}
}

func TestRunDebugSaysSequential(t *testing.T) {
	rec := &ui.Recorder{}
	Run(t.Context(), rec, []*Build{{Name: "fake.a", Builder: &fakeBuilder{id: "a"}}}, RunOptions{Debug: true, Now: fixedClock})
	if got := rec.Lines()[0]; got != "Debug mode enabled. Builds will not be parallelized." {
		t.Errorf("first line = %q", got)
	}
}

// concurrency counts the builds running at once; each waits for release.
type concurrency struct {
	running atomic.Int32
	release chan struct{}
}

// enter is a builder's onRun.
func (c *concurrency) enter(ctx context.Context) error {
	c.running.Add(1)
	defer c.running.Add(-1)
	select {
	case <-c.release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func TestRunParallelLimit(t *testing.T) {
	const n = 8
	for _, tt := range []struct {
		name  string
		opts  RunOptions
		limit int
	}{
		{"limit 3", RunOptions{ParallelBuilds: 3}, 3},
		{"sequential", RunOptions{ParallelBuilds: 1}, 1},
		{"debug is sequential", RunOptions{Debug: true}, 1},
		{"unbounded", RunOptions{ParallelBuilds: 0}, n},
		{"limit above the number of builds", RunOptions{ParallelBuilds: 100}, n},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c := &concurrency{release: make(chan struct{})}
				builds := make([]*Build, n)
				for i := range builds {
					builds[i] = &Build{Name: "fake." + string(rune('a'+i)), Builder: &fakeBuilder{onRun: c.enter}}
				}
				done := make(chan *Report, 1)
				go func() { done <- Run(t.Context(), ui.NewNoop(), builds, tt.opts) }()
				// Whenever every goroutine is blocked, as many builds as
				// the limit allows must be running; then let one finish.
				for finished := range n {
					synctest.Wait()
					if got, want := int(c.running.Load()), min(tt.limit, n-finished); got != want {
						t.Fatalf("after %d builds finished: %d running, want %d", finished, got, want)
					}
					c.release <- struct{}{}
				}
				if report := <-done; report.Failed() {
					t.Errorf("run failed: %+v", report.Results)
				}
			})
		})
	}
}

func TestRunResultsInTemplateOrder(t *testing.T) {
	// Each build finishes only after the next one did: completion order is
	// the reverse of template order.
	const n = 4
	finished := make([]chan struct{}, n+1)
	for i := range finished {
		finished[i] = make(chan struct{})
	}
	close(finished[n])
	builds := make([]*Build, n)
	for i := range builds {
		builds[i] = &Build{Name: "fake." + string(rune('a'+i)), Builder: &fakeBuilder{
			artifact: &fakeArtifact{id: string(rune('a' + i))},
			onRun: func(ctx context.Context) error {
				defer close(finished[i])
				select {
				case <-finished[i+1]:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			},
		}}
	}
	rec := &ui.Recorder{}
	report := Run(t.Context(), rec, builds, RunOptions{Now: fixedClock})
	var order []string
	for _, r := range report.Results {
		order = append(order, r.Name)
	}
	if d := cmp.Diff([]string{"fake.a", "fake.b", "fake.c", "fake.d"}, order); d != "" {
		t.Errorf("results (-want +got):\n%s", d)
	}
	lines := rec.Lines()
	if d := cmp.Diff([]string{"--> fake.a: artifact a", "--> fake.b: artifact b", "--> fake.c: artifact c", "--> fake.d: artifact d"}, lines[len(lines)-4:]); d != "" {
		t.Errorf("summary (-want +got):\n%s", d)
	}
}

func TestRunPanickingBuilderFailsOnlyItsBuild(t *testing.T) {
	ev := &events{}
	builds := []*Build{
		{Name: "fake.a", Builder: &fakeBuilder{id: "a", events: ev, artifact: &fakeArtifact{id: "a"}}},
		{Name: "fake.boom", Builder: &panicBuilder{}},
		{Name: "fake.c", Builder: &fakeBuilder{id: "c", events: ev, artifact: &fakeArtifact{id: "c"}}},
	}
	rec := &ui.Recorder{}
	report := Run(t.Context(), rec, builds, RunOptions{Now: fixedClock})
	if err := report.Results[1].Err; err == nil || !strings.Contains(err.Error(), "builder exploded") {
		t.Errorf("panicking build err = %v", err)
	}
	for _, i := range []int{0, 2} {
		if r := report.Results[i]; r.Err != nil || len(r.Artifacts) != 1 {
			t.Errorf("%s: err=%v artifacts=%v", r.Name, r.Err, r.Artifacts)
		}
	}
	if report.Errored() != 1 {
		t.Errorf("Errored() = %d", report.Errored())
	}
}

func TestRunPanickingStepCleansUp(t *testing.T) {
	ev := &events{}
	b := &fakeBuilder{id: "a", events: ev, before: []multistep.Step{&fakeStep{name: "explode", events: ev,
		run: func(context.Context, *multistep.State) multistep.Action { panic("step exploded") }}}}
	report := Run(t.Context(), ui.NewNoop(), []*Build{{Name: "fake.a", Builder: b}}, RunOptions{})
	if err := report.Results[0].Err; err == nil || !strings.Contains(err.Error(), "step exploded") {
		t.Errorf("err = %v", err)
	}
	want := []string{"run create", "run explode", "cleanup explode", "cleanup create"}
	if d := cmp.Diff(want, ev.list()); d != "" {
		t.Errorf("events (-want +got):\n%s", d)
	}
}

func TestRunCancelMidBuild(t *testing.T) {
	ev := &events{}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	started := make(chan struct{})
	wait := &fakeStep{name: "wait", events: ev, run: func(ctx context.Context, s *multistep.State) multistep.Action {
		close(started)
		<-ctx.Done()
		return multistep.HaltWith(s, ctx.Err())
	}}
	builds := []*Build{
		{Name: "fake.a", Builder: &fakeBuilder{id: "a", events: ev, before: []multistep.Step{wait}, artifact: &fakeArtifact{id: "a"}}},
		// Never starts: the run is sequential and cancelled during a.
		{Name: "fake.b", Builder: &fakeBuilder{id: "b", events: ev, artifact: &fakeArtifact{id: "b"}}},
	}
	go func() {
		<-started
		cancel()
	}()
	rec := &ui.Recorder{}
	report := Run(ctx, rec, builds, RunOptions{ParallelBuilds: 1, Now: fixedClock})
	if !report.Cancelled || !report.Failed() {
		t.Errorf("cancelled=%v failed=%v", report.Cancelled, report.Failed())
	}
	if report.Results[1].Started {
		t.Error("a build started after cancellation")
	}
	wantEvents := []string{"run create", "run wait", "cleanup wait", "cleanup create"}
	if d := cmp.Diff(wantEvents, ev.list()); d != "" {
		t.Errorf("events (-want +got):\n%s", d)
	}
	lines := rec.Lines()
	wantTail := []string{"\n==> Wait completed after 0 seconds", "Cleanly cancelled builds after being interrupted."}
	if d := cmp.Diff(wantTail, lines[len(lines)-2:]); d != "" {
		t.Errorf("last lines (-want +got):\n%s", d)
	}
	if !errors.Is(report.Results[0].Err, context.Canceled) {
		t.Errorf("err = %v", report.Results[0].Err)
	}
}

func TestRunCancelledBeforeStart(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	report := Run(ctx, ui.NewNoop(), []*Build{{Name: "fake.a", Builder: &fakeBuilder{}}}, RunOptions{})
	if !report.Cancelled || report.Results[0].Started || report.Results[0].Name != "fake.a" {
		t.Errorf("report = %+v", report)
	}
}

func TestNewRunUUID(t *testing.T) {
	a, b := NewRunUUID(), NewRunUUID()
	if a == b || len(a) != 36 || strings.Count(a, "-") != 4 || a[14] != '4' {
		t.Errorf("NewRunUUID = %q, %q", a, b)
	}
}

var _ sdk.Builder = (*fakeBuilder)(nil)

func TestRunCancelledAfterBuilderSkipsPostProcessors(t *testing.T) {
	ev := &events{}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pp := &fakePP{events: ev, name: "never", out: &fakeArtifact{id: "pp"}}
	b := &Build{
		Name: "fake.a",
		// The builder completes although Ctrl-C came while it ran.
		Builder: &funcBuilder{run: func(context.Context, sdk.Ui, sdk.Hook) (sdk.Artifact, error) {
			cancel()
			return &fakeArtifact{id: "a", events: ev}, nil
		}},
		PostProcessors: [][]*PostProcessor{{postProcessor(pp, nil)}},
	}
	rec := &ui.Recorder{}
	report := Run(ctx, rec, []*Build{b}, RunOptions{Now: fixedClock})
	res := report.Results[0]
	if res.Err != nil || res.Artifacts != nil || !report.Cancelled {
		t.Errorf("result = %+v, cancelled = %v", res, report.Cancelled)
	}
	// Nothing was post-processed or destroyed.
	for _, e := range ev.list() {
		if strings.HasPrefix(e, "pp ") || strings.HasPrefix(e, "destroy ") {
			t.Errorf("unexpected %q", e)
		}
	}
}
