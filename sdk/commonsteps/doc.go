// Package commonsteps holds what every builder's step sequence shares: the
// typed state keys for the Ui, hook, communicator and generated data, the
// step that fires the provision hook, and the runner that honours -debug,
// -on-error and the error-cleanup-provisioner.
//
// A builder puts KeyUi, KeyHook (the hook its Run received) and, once
// connected, KeyCommunicator in the state, includes StepProvision in its
// steps, and runs them with NewRunner(steps, config.PackerConfig, ui). The
// runner then fires sdk.HookCleanupProvision from StepProvision's cleanup
// when the build fails during or after provisioning, and applies
// packer_on_error (cleanup, abort, ask, run-cleanup-provisioner) and
// packer_debug (pauses after each step and before each cleanup) exactly as
// Packer's runner does. A builder returns the runner's error as the
// build's error.
package commonsteps
