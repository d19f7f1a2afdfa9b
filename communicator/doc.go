// Package communicator holds the configuration every builder squashes into
// its own to choose and configure how kiln talks to the machine being built
// (Packer's `communicator` and `ssh_*` keys), and StepConnect, the step
// that connects it and puts the result in the build state.
//
// The communicators themselves live in sub-packages: ssh, local (the
// machine kiln runs on) and none (a communicator that does nothing);
// builders with a communicator of their own (docker) keep it with them and
// plug it into StepConnect.
package communicator
