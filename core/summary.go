package core

import (
	"fmt"
	"strconv"

	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/ui"
)

// printSummary writes what Packer writes once every build has ended: the
// wait time, then either the cancellation notice, or the failed builds and
// the artifacts of the successful ones, with their machine-readable lines.
// Unlike Packer, which walks Go maps, builds are listed in template order.
func printSummary(base sdk.Ui, r *Report) {
	base.Say(fmt.Sprintf("\n==> Wait completed after %s", FormatDuration(r.Duration)))
	if r.Cancelled {
		base.Say("Cleanly cancelled builds after being interrupted.")
		return
	}

	if n := r.Errored(); n > 0 {
		base.Machine("error-count", strconv.Itoa(n))
		base.Error("\n==> Some builds didn't complete successfully and had errors:")
		for _, res := range r.Results {
			if res.Err == nil {
				continue
			}
			text := errorText(res.Err)
			ui.Targeted(base, res.Name, ui.NoColor).Machine("error", text)
			base.Error(fmt.Sprintf("--> %s: %s", res.Name, text))
		}
	}

	listed := false
	for _, res := range r.Results {
		if res.Err == nil && res.Artifacts != nil {
			listed = true
			break
		}
	}
	if !listed {
		base.Say("\n==> Builds finished but no artifacts were created.")
		return
	}
	base.Say("\n==> Builds finished. The artifacts of successful builds are:")
	for _, res := range r.Results {
		if res.Err != nil || res.Artifacts == nil {
			continue
		}
		t := ui.Targeted(base, res.Name, ui.NoColor)
		t.Machine("artifact-count", strconv.Itoa(len(res.Artifacts)))
		for i, a := range res.Artifacts {
			idx := strconv.Itoa(i)
			text := "<nothing>"
			if a != nil {
				text = a.String()
				t.Machine("artifact", idx, "builder-id", a.BuilderId())
				t.Machine("artifact", idx, "id", a.Id())
				t.Machine("artifact", idx, "string", a.String())
				files := a.Files()
				t.Machine("artifact", idx, "files-count", strconv.Itoa(len(files)))
				for j, f := range files {
					t.Machine("artifact", idx, "file", strconv.Itoa(j), f)
				}
			} else {
				t.Machine("artifact", idx, "nil")
			}
			t.Machine("artifact", idx, "end")
			base.Say(fmt.Sprintf("--> %s: %s", res.Name, text))
		}
	}
}
