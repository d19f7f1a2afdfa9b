// Package components is the one table of the components kiln compiles in:
// component type name → constructor, for builders, provisioners,
// post-processors and data sources. It is what `kiln plugins installed`
// lists and what templates resolve types against.
package components
