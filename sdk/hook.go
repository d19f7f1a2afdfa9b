package sdk

import "context"

// HookProvision is the hook a builder fires once its communicator is
// connected; core runs the build's provisioners there.
const HookProvision = "packer_provision"

// HookCleanupProvision is fired, with the same data as HookProvision, when
// a build fails after its provision step started: core runs the build's
// error-cleanup-provisioner there. Builders do not fire it themselves; the
// runner from commonsteps.NewRunner does, from StepProvision's cleanup.
const HookCleanupProvision = "packer_cleanup_provision"

// Hook is fired by builders at well-known points of a build. data carries
// the generated data (a map[string]any) for HookProvision.
type Hook interface {
	Run(ctx context.Context, name string, ui Ui, comm Communicator, data any) error
}

// HookFunc adapts a function to the Hook interface.
type HookFunc func(ctx context.Context, name string, ui Ui, comm Communicator, data any) error

// Run calls f.
func (f HookFunc) Run(ctx context.Context, name string, ui Ui, comm Communicator, data any) error {
	return f(ctx, name, ui, comm, data)
}

// DispatchHook runs the hooks registered under a name, in order, stopping at
// the first error. A name with no hooks does nothing.
type DispatchHook struct {
	Hooks map[string][]Hook
}

// Run implements Hook.
func (h *DispatchHook) Run(ctx context.Context, name string, ui Ui, comm Communicator, data any) error {
	if h == nil {
		return nil
	}
	for _, hook := range h.Hooks[name] {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := hook.Run(ctx, name, ui, comm, data); err != nil {
			return err
		}
	}
	return nil
}
