// Package core runs builds: a Build is a prepared builder, its provisioners
// and its post-processor chains. The template packages produce []*Build;
// core knows nothing of templates and prepares nothing itself.
//
// [Run] is `kiln build` once the template is loaded. It runs the builds in
// parallel under a limit (-parallel-builds; one at a time with -debug),
// never cancelling a build because another failed, and prints Packer's
// per-build and summary lines, human or machine-readable, listing builds in
// template order. Cancelling its context (Ctrl-C) starts no new build and
// lets the running ones clean up.
//
// For each build, core hands the builder an sdk.DispatchHook with:
//
//   - sdk.HookProvision: the build's provisioners, in order. Each is
//     configured (Provisioner.Configure) for the generated data the builder
//     fires the hook with — PackerRunUUID added when missing — then wrapped
//     as Packer does, outermost first: the -debug pause, max_retries, then
//     pause_before or timeout (pause_before silently disables timeout).
//   - sdk.HookCleanupProvision: the error-cleanup-provisioner, wrapped the
//     same way but never paused by -debug. Builders do not fire it: the
//     runner from sdk/commonsteps.NewRunner does, from StepProvision's
//     cleanup, when the build failed during or after provisioning.
//
// The builder's artifact then goes through each post-processor chain, each
// post-processor configured for its input's generated data
// (Artifact.State(sdk.StateGeneratedData)); see runPostProcessors for
// Packer's keep_input_artifact rules.
//
// -on-error and -debug's step pauses live in the builders' runner
// (sdk/commonsteps.NewRunner), driven by the packer_on_error and
// packer_debug settings the template layer injects; -force is
// packer_force, which core never reads.
package core
