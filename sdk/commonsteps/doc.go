// Package commonsteps holds what every builder's step sequence shares: the
// typed state keys for the Ui, hook, communicator and generated data, the
// step that fires the provision hook, and the runner that honours
// -debug and -on-error.
package commonsteps
