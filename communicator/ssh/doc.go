// Package ssh is kiln's SSH communicator, on golang.org/x/crypto/ssh: it
// runs commands in sessions (with an optional PTY and agent forwarding),
// keeps the connection alive, reaches hosts directly, through a bastion or
// a SOCKS proxy, forwards tunnels, and moves files with SFTP or scp.
//
// Connect makes one connection attempt; retrying until a machine boots is
// the caller's business (communicator.StepConnect).
package ssh
