package commonsteps

import (
	"github.com/kilnbuild/kiln/multistep"
	"github.com/kilnbuild/kiln/sdk"
)

// State keys shared by builders' steps.
var (
	KeyUi            = multistep.NewKey[sdk.Ui]("ui")
	KeyHook          = multistep.NewKey[sdk.Hook]("hook")
	KeyCommunicator  = multistep.NewKey[sdk.Communicator]("communicator")
	KeyGeneratedData = multistep.NewKey[map[string]any]("generated_data")
	// KeyInstanceID is the id of the machine being built (container id,
	// chroot path…); it becomes build.ID.
	KeyInstanceID = multistep.NewKey[string]("instance_id")
	// KeyConnInfo describes how the communicator reaches the machine; it
	// becomes build.Host, build.Port, build.User, …
	KeyConnInfo = multistep.NewKey[ConnInfo]("conn_info")
)

// ConnInfo is what the communicator connected with.
type ConnInfo struct {
	Type              string // "ssh", "docker", "chroot", "local", "none"
	Host              string
	Port              int
	User              string
	Password          string
	SSHPublicKey      string
	SSHPrivateKey     string
	SSHPrivateKeyFile string
	SSHAgentAuth      bool
}

// PutGenerated adds builder-specific generated data (e.g. ImageSha256).
func PutGenerated(state *multistep.State, key string, value any) {
	data, _ := multistep.Get(state, KeyGeneratedData)
	next := make(map[string]any, len(data)+1)
	for k, v := range data {
		next[k] = v
	}
	next[key] = value
	multistep.Put(state, KeyGeneratedData, next)
}
