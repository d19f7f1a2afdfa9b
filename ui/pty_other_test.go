//go:build !linux

package ui

import (
	"os"
	"testing"
)

func openPTY(t *testing.T) *os.File {
	t.Skip("pty tests run on Linux only")
	return nil
}
