package core

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"slices"
	"sync"

	"github.com/hashicorp/hcl/v2/hcldec"

	"github.com/kilnbuild/kiln/multistep"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/commonsteps"
)

// events records what fakes did, in order, across goroutines.
type events struct {
	mu  sync.Mutex
	log []string
}

func (e *events) add(s string) {
	if e == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.log = append(e.log, s)
}

func (e *events) list() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.log)
}

// fakeComm is a communicator that does nothing.
type fakeComm struct{}

func (fakeComm) Start(context.Context, *sdk.RemoteCmd) error                  { return nil }
func (fakeComm) Upload(context.Context, string, io.Reader, fs.FileInfo) error { return nil }
func (fakeComm) UploadDir(context.Context, string, string, []string) error    { return nil }
func (fakeComm) Download(context.Context, string, io.Writer) error            { return nil }
func (fakeComm) DownloadDir(context.Context, string, string, []string) error  { return nil }

// fakeStep is a step that records its Run and Cleanup.
type fakeStep struct {
	name   string
	events *events
	run    func(ctx context.Context, state *multistep.State) multistep.Action
}

func (s *fakeStep) Name() string { return s.name }

func (s *fakeStep) Run(ctx context.Context, state *multistep.State) multistep.Action {
	s.events.add("run " + s.name)
	if s.run != nil {
		return s.run(ctx, state)
	}
	return multistep.Continue
}

func (s *fakeStep) Cleanup(*multistep.State) { s.events.add("cleanup " + s.name) }

// fakeBuilder runs a real multistep sequence through commonsteps.NewRunner:
// a "create" step that sets the instance id and communicator, the before
// steps, commonsteps.StepProvision, the after steps. On success it returns
// a copy of artifact carrying the generated data (nil artifact: none).
type fakeBuilder struct {
	id       string
	cfg      sdk.PackerConfig
	noComm   bool
	before   []multistep.Step
	after    []multistep.Step
	artifact *fakeArtifact
	events   *events
	// onRun, when set, runs first; an error fails the build at once.
	onRun func(ctx context.Context) error
	// generated is put in the state as the builder's own generated data.
	generated map[string]any
}

func (b *fakeBuilder) ConfigSpec() hcldec.ObjectSpec { return hcldec.ObjectSpec{} }

func (b *fakeBuilder) Prepare(...any) ([]string, []string, error) { return nil, nil, nil }

func (b *fakeBuilder) Run(ctx context.Context, ui sdk.Ui, hook sdk.Hook) (sdk.Artifact, error) {
	if b.onRun != nil {
		if err := b.onRun(ctx); err != nil {
			return nil, err
		}
	}
	state := multistep.NewState()
	multistep.Put(state, commonsteps.KeyUi, ui)
	multistep.Put(state, commonsteps.KeyHook, hook)
	if b.generated != nil {
		multistep.Put(state, commonsteps.KeyGeneratedData, b.generated)
	}
	create := &fakeStep{name: "create", events: b.events, run: func(_ context.Context, state *multistep.State) multistep.Action {
		multistep.Put(state, commonsteps.KeyInstanceID, b.id)
		if !b.noComm {
			multistep.Put[sdk.Communicator](state, commonsteps.KeyCommunicator, fakeComm{})
		}
		return multistep.Continue
	}}
	steps := append([]multistep.Step{create}, b.before...)
	steps = append(steps, commonsteps.StepProvision{})
	steps = append(steps, b.after...)
	if err := commonsteps.NewRunner(steps, b.cfg, ui).Run(ctx, state); err != nil {
		return nil, err
	}
	if b.artifact == nil {
		return nil, nil
	}
	a := *b.artifact
	a.generated, _ = multistep.Get(state, commonsteps.KeyGeneratedData)
	return &a, nil
}

// panicBuilder panics in Run.
type panicBuilder struct{ fakeBuilder }

func (*panicBuilder) Run(context.Context, sdk.Ui, sdk.Hook) (sdk.Artifact, error) {
	panic("builder exploded")
}

// fakeArtifact records its destruction.
type fakeArtifact struct {
	id, builderID, str string
	files              []string
	generated          map[string]any
	events             *events
	destroyErr         error
}

func (a *fakeArtifact) BuilderId() string { return a.builderID }
func (a *fakeArtifact) Files() []string   { return a.files }
func (a *fakeArtifact) Id() string        { return a.id }
func (a *fakeArtifact) String() string {
	if a.str != "" {
		return a.str
	}
	return "artifact " + a.id
}

func (a *fakeArtifact) State(name string) any {
	if name == sdk.StateGeneratedData && a.generated != nil {
		return a.generated
	}
	return nil
}

func (a *fakeArtifact) Destroy() error {
	a.events.add("destroy " + a.id)
	return a.destroyErr
}

// fakeProvisioner calls provision (when set) and records the call.
type fakeProvisioner struct {
	name      string
	events    *events
	provision func(ctx context.Context, ui sdk.Ui, data map[string]any) error
}

func (p *fakeProvisioner) ConfigSpec() hcldec.ObjectSpec {
	return hcldec.ObjectSpec{"name": &hcldec.AttrSpec{Name: p.name}}
}
func (p *fakeProvisioner) Prepare(...any) error { return errPrepareCalled }

func (p *fakeProvisioner) Provision(ctx context.Context, ui sdk.Ui, _ sdk.Communicator, data map[string]any) error {
	p.events.add("provision " + p.name)
	if p.provision != nil {
		return p.provision(ctx, ui, data)
	}
	return nil
}

var errPrepareCalled = errors.New("prepare called")

// provisioner returns a core.Provisioner configuring p, recording the
// generated data it is configured with.
func provisioner(p *fakeProvisioner, configured *[]map[string]any) *Provisioner {
	return &Provisioner{Type: "fake", Name: p.name, Configure: func(g map[string]any) (sdk.Provisioner, error) {
		if configured != nil {
			*configured = append(*configured, g)
		}
		return p, nil
	}}
}

// fakePP returns a scripted result and records its input.
type fakePP struct {
	events  *events
	name    string
	out     *fakeArtifact
	keep    bool
	force   bool
	err     error
	panics  bool
	gotData map[string]any
}

func (p *fakePP) ConfigSpec() hcldec.ObjectSpec { return hcldec.ObjectSpec{} }
func (p *fakePP) Configure(...any) error        { return nil }

func (p *fakePP) PostProcess(_ context.Context, ui sdk.Ui, in sdk.Artifact) (sdk.Artifact, bool, bool, error) {
	p.events.add("pp " + p.name + " <- " + in.Id())
	ui.Say("post-processing " + in.Id())
	if p.panics {
		panic("pp exploded")
	}
	if p.err != nil {
		return nil, false, false, p.err
	}
	if p.out == nil {
		return nil, p.keep, p.force, nil
	}
	return p.out, p.keep, p.force, nil
}

func postProcessor(p *fakePP, userKeep *bool) *PostProcessor {
	return &PostProcessor{Type: "fake-pp", Name: p.name, KeepInputArtifact: userKeep, Configure: func(g map[string]any) (sdk.PostProcessor, error) {
		p.gotData = g
		return p, nil
	}}
}

// funcBuilder runs a function.
type funcBuilder struct {
	run func(ctx context.Context, ui sdk.Ui, hook sdk.Hook) (sdk.Artifact, error)
}

func (*funcBuilder) ConfigSpec() hcldec.ObjectSpec              { return hcldec.ObjectSpec{} }
func (*funcBuilder) Prepare(...any) ([]string, []string, error) { return nil, nil, nil }
func (b *funcBuilder) Run(ctx context.Context, ui sdk.Ui, hook sdk.Hook) (sdk.Artifact, error) {
	return b.run(ctx, ui, hook)
}
