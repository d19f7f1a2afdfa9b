// Package multistep runs a sequence of steps over a shared, typed state bag
// and cleans up after them in reverse order: after success, after a step
// halts, after cancellation and after a panic in a step.
//
// Builders are written as a list of small steps; each step's Cleanup undoes
// what its Run did, so a failure anywhere leaves nothing behind.
package multistep
