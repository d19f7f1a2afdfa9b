package hcl2

import (
	"context"

	"github.com/hashicorp/hcl/v2"

	"github.com/kilnbuild/kiln/template"
)

// Load reads the HCL2 template at path (a file or a folder) and, unless
// opts.SyntaxOnly, evaluates it and prepares the selected builds.
func Load(ctx context.Context, path string, opts template.Options) (*template.Template, hcl.Diagnostics) {
	return nil, hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "HCL2 templates are not supported by this version of kiln yet",
	}}
}
