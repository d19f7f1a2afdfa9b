// Package template holds what both template languages share: the options a
// template is loaded with, the kind detection of a path (HCL2 file or
// folder, legacy JSON), and the loaded result — the format-neutral builds
// handed to core plus the source files diagnostics are rendered against.
//
// The languages themselves live in template/hcl2 and template/legacy; each
// has a Load(ctx, path, Options) (*Template, hcl.Diagnostics).
package template
