package commonsteps

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"

	"github.com/kilnbuild/kiln/multistep"
	"github.com/kilnbuild/kiln/sdk"
)

// Values of sdk.PackerConfig.PackerOnError (-on-error).
const (
	OnErrorCleanup               = "cleanup"
	OnErrorAbort                 = "abort"
	OnErrorAsk                   = "ask"
	OnErrorRunCleanupProvisioner = "run-cleanup-provisioner"
)

// Texts Packer prints; tests and builders may refer to them.
const (
	// CleanupProvisionMessage is said when the error-cleanup-provisioner
	// hook is fired (whether or not the build has such a provisioner).
	CleanupProvisionMessage = "Provisioning step had errors: Running the cleanup provisioner, if present..."
	// AskPrompt is asked after a failed step with -on-error=ask.
	AskPrompt = "[c] Clean up and exit, [a] abort without cleanup, or [r] retry step (build may fail even if retry succeeds)?"
)

// NewRunner returns the runner a builder uses for its steps. Builders must
// use it (not a multistep runner directly) for -on-error, -debug and the
// error-cleanup-provisioner to work:
//
//   - When the sequence fails after StepProvision ran — a later step
//     halted, or a provisioner failed, the state holding the error — the
//     cleanup of StepProvision says [CleanupProvisionMessage] and fires
//     sdk.HookCleanupProvision through the state's KeyHook, with the
//     state's KeyCommunicator and generated data and a context that is not
//     cancelled; core runs the build's error-cleanup-provisioner there. If
//     it fails, the sequence's error becomes a *CleanupProvisionError.
//   - cfg.PackerOnError "abort" skips every cleanup of a failed or
//     cancelled sequence (saying why); "run-cleanup-provisioner" skips
//     them all but StepProvision's; "ask" asks after a failed step whether
//     to clean up, abort (as "abort") or retry the step. "" and "cleanup"
//     clean up.
//   - cfg.PackerDebug asks for enter after each step ran and before each
//     step is cleaned up.
//
// A sequence whose steps all continued still fails when the state holds a
// step's error: a step retried after -on-error=ask keeps the first
// failure, as in Packer ("build may fail even if retry succeeds").
func NewRunner(steps []multistep.Step, cfg sdk.PackerConfig, ui sdk.Ui) multistep.Runner {
	wrapped := make([]multistep.Step, len(steps))
	for i, s := range steps {
		if isStepProvision(s) {
			s = &provisionStep{Step: s, ui: ui}
		}
		switch cfg.PackerOnError {
		case OnErrorAbort:
			s = &abortStep{step: s, ui: ui}
		case OnErrorRunCleanupProvisioner:
			s = &abortStep{step: s, ui: ui, cleanupProvisioner: true}
		case OnErrorAsk:
			s = &askStep{step: s, ui: ui}
		}
		wrapped[i] = s
	}
	if cfg.PackerDebug {
		paused := make([]multistep.Step, 0, 2*len(wrapped))
		for _, s := range wrapped {
			paused = append(paused, s, &debugPauseStep{name: multistep.StepName(s), ui: ui})
		}
		wrapped = paused
	}
	return &runner{basic: &multistep.BasicRunner{Steps: wrapped}}
}

// runner adds to a BasicRunner what Packer's builders do after running
// their steps: a failed error-cleanup-provisioner replaces the error, and
// an error left in the state fails the build.
type runner struct {
	basic *multistep.BasicRunner
}

func (r *runner) Run(ctx context.Context, state *multistep.State) error {
	err := r.basic.Run(ctx, state)
	if cerr, ok := multistep.Get(state, keyCleanupProvisionErr); ok {
		step := "StepProvision"
		if se := (*multistep.StepError)(nil); errors.As(err, &se) {
			step = se.Step
		}
		return &multistep.StepError{Step: step, Err: cerr}
	}
	if err == nil {
		if serr := multistep.Err(state); serr != nil {
			if step, ok := multistep.Get(state, keyRetriedStep); ok {
				return &multistep.StepError{Step: step, Err: serr}
			}
			return serr
		}
	}
	return err
}

// CleanupProvisionError is a failed error-cleanup-provisioner. Its text is
// Packer's.
type CleanupProvisionError struct {
	Err, Original error
}

func (e *CleanupProvisionError) Error() string {
	return fmt.Sprintf("Cleanup failed: %s. Original Provisioning error: %s", e.Err, e.Original)
}

// Unwrap returns both errors.
func (e *CleanupProvisionError) Unwrap() []error { return []error{e.Err, e.Original} }

var (
	keyCleanupProvisionErr = multistep.NewKey[*CleanupProvisionError]("cleanup_provision_error")
	keyAbortLogged         = multistep.NewKey[bool]("abort_step_logged")
	keyAborted             = multistep.NewKey[bool]("aborted")
	keyRetriedStep         = multistep.NewKey[string]("retried_step")
)

func isStepProvision(s multistep.Step) bool {
	switch s.(type) {
	case StepProvision, *StepProvision:
		return true
	}
	return false
}

// provisionStep is StepProvision with the error-cleanup-provisioner run in
// its cleanup.
type provisionStep struct {
	multistep.Step
	ui sdk.Ui
}

func (s *provisionStep) Name() string { return multistep.StepName(s.Step) }

func (s *provisionStep) Cleanup(state *multistep.State) {
	s.Step.Cleanup(state)
	orig := multistep.Err(state)
	if orig == nil {
		return
	}
	say(s.ui, CleanupProvisionMessage)
	hook, ok := multistep.Get(state, KeyHook)
	if !ok || hook == nil {
		return
	}
	comm, _ := multistep.Get(state, KeyCommunicator)
	data := ProvisionHookData(state)
	multistep.Put(state, KeyGeneratedData, data)
	// The build may have been cancelled: the cleanup provisioner still
	// runs, as in Packer.
	if err := hook.Run(context.Background(), sdk.HookCleanupProvision, s.ui, comm, data); err != nil {
		multistep.Put(state, keyCleanupProvisionErr, &CleanupProvisionError{Err: err, Original: orig})
	}
}

// abortStep skips its step's cleanup when the sequence failed or was
// cancelled (-on-error=abort), except for StepProvision's with
// cleanupProvisioner (-on-error=run-cleanup-provisioner).
type abortStep struct {
	step               multistep.Step
	ui                 sdk.Ui
	cleanupProvisioner bool
}

func (s *abortStep) Name() string { return multistep.StepName(s.step) }

func (s *abortStep) Run(ctx context.Context, state *multistep.State) multistep.Action {
	return s.step.Run(ctx, state)
}

func (s *abortStep) Cleanup(state *multistep.State) {
	if s.cleanupProvisioner {
		if _, ok := s.step.(*provisionStep); ok {
			s.step.Cleanup(state)
			return
		}
	}
	if !shouldCleanUp(state, s.ui, s.Name()) {
		return
	}
	s.step.Cleanup(state)
}

// shouldCleanUp reports whether an aborting sequence still cleans up a
// step (only when it succeeded), saying why not the way Packer does: the
// error and the reason once, then one line per skipped step.
func shouldCleanUp(state *multistep.State, ui sdk.Ui, stepName string) bool {
	logged, _ := multistep.Get(state, keyAbortLogged)
	if err := multistep.Err(state); err != nil && !logged {
		sayError(ui, err.Error())
		multistep.Put(state, keyAbortLogged, true)
	}
	var reason string
	switch {
	case multistep.Cancelled(state):
		reason = "Interrupted, aborting..."
	case multistep.Halted(state):
		reason = fmt.Sprintf("Step %q failed, aborting...", stepName)
	default:
		return true
	}
	if logged {
		sayError(ui, fmt.Sprintf("aborted: skipping cleanup of step %q", stepName))
	} else {
		sayError(ui, reason)
		multistep.Put(state, keyAbortLogged, true)
	}
	return false
}

// askStep asks, when its step halts, whether to clean up, abort or retry
// (-on-error=ask).
type askStep struct {
	step multistep.Step
	ui   sdk.Ui
}

func (s *askStep) Name() string { return multistep.StepName(s.step) }

func (s *askStep) Run(ctx context.Context, state *multistep.State) multistep.Action {
	for {
		action := s.step.Run(ctx, state)
		if action != multistep.Halt || ctx.Err() != nil {
			// Interrupted: clean up, as answering the prompt would.
			return action
		}
		if err := multistep.Err(state); err != nil {
			sayError(s.ui, err.Error())
		}
		say(s.ui, fmt.Sprintf("Step %q failed", s.Name()))
		switch askPrompt(s.ui) {
		case 'a':
			multistep.Put(state, keyAborted, true)
			return action
		case 'r':
			multistep.Put(state, keyRetriedStep, s.Name())
			continue
		default:
			return action
		}
	}
}

func (s *askStep) Cleanup(state *multistep.State) {
	if aborted, _ := multistep.Get(state, keyAborted); aborted && !shouldCleanUp(state, s.ui, s.Name()) {
		return
	}
	s.step.Cleanup(state)
}

// askPrompt asks until the answer starts with c, a or r (an empty answer,
// or no way to ask, means c) and returns that letter.
func askPrompt(ui sdk.Ui) byte {
	if ui == nil {
		return 'c'
	}
	for {
		line, err := ui.Ask(AskPrompt)
		if err != nil {
			log.Printf("Error asking for input: %s", err)
		}
		switch c := (strings.ToLower(line) + "c")[0]; c {
		case 'c', 'a', 'r':
			return c
		}
		ui.Say(fmt.Sprintf("Incorrect input: %#v", line))
	}
}

// debugPauseStep follows each step with -debug: it asks for enter after
// the step ran, and before the step is cleaned up.
type debugPauseStep struct {
	name string
	ui   sdk.Ui
}

func (s *debugPauseStep) Name() string { return "debug pause after " + s.name }

func (s *debugPauseStep) Run(ctx context.Context, _ *multistep.State) multistep.Action {
	debugPause(ctx, s.ui, fmt.Sprintf("Pausing after run of step '%s'. Press enter to continue.", s.name))
	return multistep.Continue
}

func (s *debugPauseStep) Cleanup(state *multistep.State) {
	if multistep.Cancelled(state) {
		// Interrupted: clean up without waiting for anyone.
		return
	}
	debugPause(context.Background(), s.ui, fmt.Sprintf("Pausing before cleanup of step '%s'. Press enter to continue.", s.name))
}

// debugPause asks query and returns once answered (or the answer failed)
// or ctx ends.
func debugPause(ctx context.Context, ui sdk.Ui, query string) {
	if ui == nil {
		return
	}
	answered := make(chan struct{})
	go func() {
		defer close(answered)
		if _, err := ui.Ask(query); err != nil {
			log.Printf("Error asking for input: %s", err)
		}
	}()
	select {
	case <-answered:
	case <-ctx.Done():
	}
}

func say(ui sdk.Ui, msg string) {
	if ui != nil {
		ui.Say(msg)
	}
}

func sayError(ui sdk.Ui, msg string) {
	if ui != nil {
		ui.Error(msg)
	}
}
