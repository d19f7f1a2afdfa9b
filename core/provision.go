package core

import (
	"context"
	"errors"
	"fmt"
	"log"
	"maps"
	"runtime/debug"
	"sync"
	"time"

	"github.com/kilnbuild/kiln/sdk"
)

// ErrNoCommunicator is returned by the provision hook of a build that has
// provisioners when the builder fired it without a communicator
// (communicator = "none"). Its text is Packer's.
var ErrNoCommunicator = noCommunicatorError{}

type noCommunicatorError struct{}

func (noCommunicatorError) Error() string {
	return "No communicator found for provisioners! This is usually because the\n" +
		"`communicator` config was set to \"none\". If you have any provisioners\n" +
		"then a communicator is required. Please fix this to continue."
}

// debugProvisionerPrompt is what -debug asks before each provisioner
// (Packer's text, space before the period included).
const debugProvisionerPrompt = "Pausing before the next provisioner . Press enter to continue."

// provisionHook runs provisioners in order when a builder fires
// sdk.HookProvision (or, for the error-cleanup-provisioner,
// sdk.HookCleanupProvision). Each provisioner is configured for the
// generated data the builder passes, then wrapped as the template asks.
type provisionHook struct {
	provisioners []*Provisioner
	// debug adds the -debug pause before each provisioner.
	debug   bool
	runUUID string
}

var _ sdk.Hook = (*provisionHook)(nil)

// Run implements sdk.Hook.
func (h *provisionHook) Run(ctx context.Context, _ string, ui sdk.Ui, comm sdk.Communicator, data any) error {
	if len(h.provisioners) == 0 {
		return nil
	}
	if comm == nil {
		return ErrNoCommunicator
	}
	generated := generatedData(data, h.runUUID)
	for _, p := range h.provisioners {
		if err := h.runOne(ctx, p, ui, comm, generated); err != nil {
			return err
		}
	}
	return nil
}

func (h *provisionHook) runOne(ctx context.Context, p *Provisioner, ui sdk.Ui, comm sdk.Communicator, generated map[string]any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			log.Printf("provisioner %s panicked: %v\n%s", p.Type, r, debug.Stack())
			err = fmt.Errorf("provisioner %s panicked: %v", p.Type, r)
		}
	}()
	log.Printf("Running provisioner: %s", describe(p.Type, p.Name))
	if p.Configure == nil {
		return fmt.Errorf("provisioner %s has no configuration", p.Type)
	}
	prov, err := p.Configure(maps.Clone(generated))
	if err != nil {
		return err
	}
	return wrapProvisioner(prov, p, h.debug).Provision(ctx, ui, comm, maps.Clone(generated))
}

func describe(typ, name string) string {
	if name == "" || name == typ {
		return typ
	}
	return fmt.Sprintf("%s (type %s)", name, typ)
}

// generatedData returns the generated data a builder passed to the hook
// (or an artifact carries) as a fresh map, with the run's UUID filled in
// when the builder left it out.
func generatedData(data any, runUUID string) map[string]any {
	out := map[string]any{}
	switch d := data.(type) {
	case map[string]any:
		maps.Copy(out, d)
	case map[string]string:
		for k, v := range d {
			out[k] = v
		}
	}
	if v, _ := out[sdk.GenPackerRunUUID].(string); v == "" && runUUID != "" {
		out[sdk.GenPackerRunUUID] = runUUID
	}
	return out
}

// wrapProvisioner applies Packer's wrappers, outermost first: the -debug
// pause, retries (max_retries), then either pause_before or timeout —
// never both: as in Packer, pause_before silently disables timeout.
func wrapProvisioner(prov sdk.Provisioner, p *Provisioner, debug bool) sdk.Provisioner {
	switch {
	case p.PauseBefore != 0:
		prov = &pausedProvisioner{Provisioner: prov, pause: p.PauseBefore}
	case p.Timeout != 0:
		prov = &timeoutProvisioner{Provisioner: prov, timeout: p.Timeout}
	}
	if p.MaxRetries != 0 {
		prov = &retriedProvisioner{Provisioner: prov, maxRetries: p.MaxRetries}
	}
	if debug {
		prov = &debuggedProvisioner{Provisioner: prov}
	}
	return prov
}

// pausedProvisioner waits before provisioning (pause_before). ConfigSpec
// and Prepare are the wrapped provisioner's.
type pausedProvisioner struct {
	sdk.Provisioner
	pause time.Duration
}

var _ sdk.Provisioner = (*pausedProvisioner)(nil)

func (p *pausedProvisioner) Provision(ctx context.Context, ui sdk.Ui, comm sdk.Communicator, data map[string]any) error {
	ui.Say(fmt.Sprintf("Pausing %s before the next provisioner...", p.pause))
	t := time.NewTimer(p.pause)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
		return ctx.Err()
	}
	return p.Provisioner.Provision(ctx, ui, comm, data)
}

// timeoutProvisioner cancels the provisioner's context after a timeout.
type timeoutProvisioner struct {
	sdk.Provisioner
	timeout time.Duration
}

var _ sdk.Provisioner = (*timeoutProvisioner)(nil)

func (p *timeoutProvisioner) Provision(ctx context.Context, ui sdk.Ui, comm sdk.Communicator, data map[string]any) error {
	ui.Say(fmt.Sprintf("Setting a %s timeout for the next provisioner...", p.timeout))
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()

	// Say so as soon as the deadline passes (the provisioner may take a
	// while to notice), and at the latest when it returns.
	var once sync.Once
	report := func() {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			once.Do(func() { ui.Error("Cancelling provisioner after a timeout...") })
		}
	}
	done := make(chan struct{})
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		select {
		case <-done:
		case <-ctx.Done():
			report()
		}
	}()
	err := p.Provisioner.Provision(ctx, ui, comm, data)
	close(done)
	<-watched
	report()
	return err
}

// retriedProvisioner runs the provisioner again, at once, up to maxRetries
// more times while it fails. As in Packer, the error it finally returns is
// the first one, and each retry message quotes that first error.
type retriedProvisioner struct {
	sdk.Provisioner
	maxRetries int
}

var _ sdk.Provisioner = (*retriedProvisioner)(nil)

func (p *retriedProvisioner) Provision(ctx context.Context, ui sdk.Ui, comm sdk.Communicator, data map[string]any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	first := p.Provisioner.Provision(ctx, ui, comm, data)
	if first == nil {
		return nil
	}
	for left := p.maxRetries; left > 0; left-- {
		if err := ctx.Err(); err != nil {
			return err
		}
		ui.Say(fmt.Sprintf("Provisioner failed with %q, retrying with %d trie(s) left", first, left))
		if p.Provisioner.Provision(ctx, ui, comm, data) == nil {
			return nil
		}
	}
	ui.Say("retry limit reached.")
	return first
}

// debuggedProvisioner asks the person to press enter before provisioning
// (-debug). A failed Ask (no terminal) does not stop the build, as in
// Packer; cancellation does.
type debuggedProvisioner struct {
	sdk.Provisioner
}

var _ sdk.Provisioner = (*debuggedProvisioner)(nil)

func (p *debuggedProvisioner) Provision(ctx context.Context, ui sdk.Ui, comm sdk.Communicator, data map[string]any) error {
	answered := make(chan struct{})
	go func() {
		defer close(answered)
		if _, err := ui.Ask(debugProvisionerPrompt); err != nil {
			log.Printf("Error asking for input: %s", err)
		}
	}()
	select {
	case <-answered:
	case <-ctx.Done():
		return ctx.Err()
	}
	return p.Provisioner.Provision(ctx, ui, comm, data)
}
