package legacy

import (
	"context"

	"github.com/hashicorp/hcl/v2"

	"github.com/kilnbuild/kiln/template"
)

// Load reads the JSON template at path and, unless opts.SyntaxOnly,
// prepares the selected builds.
func Load(ctx context.Context, path string, opts template.Options) (*template.Template, hcl.Diagnostics) {
	return nil, hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "legacy JSON templates are not supported by this version of kiln yet",
	}}
}
