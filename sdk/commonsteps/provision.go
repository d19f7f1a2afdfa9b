package commonsteps

import (
	"context"
	"os"
	"strconv"

	"github.com/kilnbuild/kiln/multistep"
	"github.com/kilnbuild/kiln/sdk"
)

// ProvisionHookData builds the generated data handed to provisioners: the
// builder's own keys, then ID, PackerRunUUID, the HTTP server values and
// the communicator's connection values, with Packer's placeholders for
// what the builder does not provide.
func ProvisionHookData(state *multistep.State) map[string]any {
	data := map[string]any{}
	if g, ok := multistep.Get(state, KeyGeneratedData); ok {
		for k, v := range g {
			data[k] = v
		}
	}
	data[sdk.GenID] = sdk.NotImplementedID
	if id, ok := multistep.Get(state, KeyInstanceID); ok && id != "" {
		data[sdk.GenID] = id
	}
	data[sdk.GenPackerRunUUID] = os.Getenv("PACKER_RUN_UUID")
	for k, v := range map[string]string{
		sdk.GenPackerHTTPIP:   sdk.NotImplementedHTTPIP,
		sdk.GenPackerHTTPPort: sdk.NotImplementedHTTPPort,
		sdk.GenPackerHTTPAddr: sdk.NotImplementedHTTPAddr,
	} {
		if _, ok := data[k]; !ok {
			data[k] = v
		}
	}
	ci, _ := multistep.Get(state, KeyConnInfo)
	port := ""
	if ci.Port != 0 {
		port = strconv.Itoa(ci.Port)
	}
	data[sdk.GenHost] = ci.Host
	data[sdk.GenPort] = port
	data[sdk.GenUser] = ci.User
	data[sdk.GenPassword] = ci.Password
	data[sdk.GenConnType] = ci.Type
	data[sdk.GenSSHPublicKey] = ci.SSHPublicKey
	data[sdk.GenSSHPrivateKey] = ci.SSHPrivateKey
	data[sdk.GenSSHPrivateKeyFile] = ci.SSHPrivateKeyFile
	data[sdk.GenSSHAgentAuth] = ci.SSHAgentAuth
	data[sdk.GenWinRMPassword] = ""
	return data
}

// StepProvision fires the provision hook with the communicator in the
// state (none is fine: provisioners that need one fail clearly).
type StepProvision struct{}

// Run implements multistep.Step.
func (StepProvision) Run(ctx context.Context, state *multistep.State) multistep.Action {
	hook, ok := multistep.Get(state, KeyHook)
	if !ok || hook == nil {
		return multistep.Continue
	}
	ui, _ := multistep.Get(state, KeyUi)
	comm, _ := multistep.Get(state, KeyCommunicator)
	data := ProvisionHookData(state)
	multistep.Put(state, KeyGeneratedData, data)
	if err := hook.Run(ctx, sdk.HookProvision, ui, comm, data); err != nil {
		return multistep.HaltWith(state, err)
	}
	return multistep.Continue
}

// Cleanup implements multistep.Step.
func (StepProvision) Cleanup(*multistep.State) {}
