// Package docker is kiln's docker builder: it starts a container from an
// image, runs the build's provisioners in it through a communicator that
// speaks the Docker Engine API, and commits, exports or discards the
// container, as HashiCorp Packer's docker plugin does.
//
// Everything that talks to the engine goes through the narrow Driver
// interface: EngineDriver implements it over the Engine API client (with
// API-version negotiation, so old and new daemons both work), and
// FakeDriver, whose methods call func fields, lets steps, the communicator
// and the docker post-processors be tested without an engine. No type of
// the Docker SDK appears outside driver_engine.go.
//
// The builder never runs the docker CLI: pulls, commits, exports, execs and
// file transfers are API calls, and files move as tar streams through the
// container archive endpoints, without temporary copies on the host.
package docker
