// Package legacy loads legacy JSON templates (top-level "builders"): user
// variables, the {{ }} template engine over every string, builders,
// provisioners and post-processor chains — into the same builds HCL2
// templates produce. It also upgrades JSON templates to HCL2.
package legacy
