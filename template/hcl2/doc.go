// Package hcl2 loads HCL2 templates (.pkr.hcl, .pkr.json and folders of
// them): variables and their precedence, locals, data sources, sources and
// build blocks, and the late re-evaluation of provisioner and
// post-processor bodies with the build's generated data.
package hcl2
