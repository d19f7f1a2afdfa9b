//go:build go1.27

package hclfmt

import "github.com/apparentlymart/go-textseg/v17/textseg"

// scanGraphemeClusters is the segmentation HCL measures columns with: the
// same Unicode version as the HCL module built with this Go release.
var scanGraphemeClusters = textseg.ScanGraphemeClusters
