// Package cmd is kiln's command line: one file per command, the shim that
// gives cobra Packer's flag conventions (single-dash long flags, flags
// before the template, -machine-readable anywhere), the choice of Ui, and
// the one place where errors become exit codes.
package cmd
