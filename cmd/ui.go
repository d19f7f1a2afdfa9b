package cmd

import (
	"os"

	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/ui"
)

// uiOptions are the command flags that shape the Ui.
type uiOptions struct {
	// NoColor is -color=false.
	NoColor bool
	// Timestamp is -timestamp-ui.
	Timestamp bool
}

// Ui returns the Ui commands write to: machine-readable with
// -machine-readable, otherwise human output, coloured only on a terminal
// unless -color=false or PACKER_NO_COLOR says otherwise.
func (f *Factory) Ui(o uiOptions) sdk.Ui {
	var u sdk.Ui
	if f.MachineReadable {
		u = ui.NewMachineReadable(ui.MachineOptions{Out: f.IO.Out})
	} else {
		outFile, _ := f.IO.Out.(*os.File)
		u = ui.NewBasic(ui.BasicOptions{
			Out:      f.IO.Out,
			In:       f.IO.In,
			Color:    ui.ColorEnabled(outFile, !o.NoColor, f.getenv),
			Progress: ui.IsTerminal(f.IO.Out),
		})
	}
	if o.Timestamp {
		u = ui.Timestamped(u)
	}
	return u
}

func (f *Factory) getenv(k string) string {
	if f.MachineReadable && k == "PACKER_NO_COLOR" {
		// -machine-readable implies PACKER_NO_COLOR=1, as in Packer.
		return "1"
	}
	if f.Getenv == nil {
		return os.Getenv(k)
	}
	return f.Getenv(k)
}
