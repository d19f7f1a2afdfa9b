// Package funcs is the library of functions HCL2 templates can call: the
// functions Packer documents, with Packer's names and semantics. Most come
// from go-cty's stdlib; the others (files, time, encodings, crypto, UUIDs,
// IP networks, the Vault and Consul readers, …) are written here.
//
// The package knows nothing of templates: Functions takes the directory
// relative paths are resolved against and returns the table an
// hcl.EvalContext uses.
package funcs
