package sdk

// Generated-data keys every build provides to provisioners (as build.<Key>
// in HCL2, {{ build "<Key>" }} in JSON) and to post-processors through
// Artifact.State(StateGeneratedData).
const (
	GenID                = "ID"
	GenHost              = "Host"
	GenPort              = "Port"
	GenUser              = "User"
	GenPassword          = "Password"
	GenConnType          = "ConnType"
	GenPackerRunUUID     = "PackerRunUUID"
	GenPackerHTTPIP      = "PackerHTTPIP"
	GenPackerHTTPPort    = "PackerHTTPPort"
	GenPackerHTTPAddr    = "PackerHTTPAddr"
	GenSSHPublicKey      = "SSHPublicKey"
	GenSSHPrivateKey     = "SSHPrivateKey"
	GenSSHPrivateKeyFile = "SSHPrivateKeyFile"
	GenSSHAgentAuth      = "SSHAgentAuth"
	GenWinRMPassword     = "WinRMPassword"
	GenSourceImageName   = "SourceImageName"
)

// CommonGeneratedKeys are the keys present in every build's generated data,
// whatever the builder. Builders add their own through Prepare.
var CommonGeneratedKeys = []string{
	GenID, GenHost, GenPort, GenUser, GenPassword, GenConnType, GenPackerRunUUID,
	GenPackerHTTPIP, GenPackerHTTPPort, GenPackerHTTPAddr,
	GenSSHPublicKey, GenSSHPrivateKey, GenSSHPrivateKeyFile, GenSSHAgentAuth, GenWinRMPassword,
}

// Placeholder values used when a builder does not provide a key, as Packer.
const (
	NotImplementedID       = "ERR_ID_NOT_IMPLEMENTED_BY_BUILDER"
	NotImplementedHTTPIP   = "ERR_HTTP_IP_NOT_IMPLEMENTED_BY_BUILDER"
	NotImplementedHTTPPort = "ERR_HTTP_PORT_NOT_IMPLEMENTED_BY_BUILDER"
	NotImplementedHTTPAddr = "ERR_HTTP_ADDR_NOT_IMPLEMENTED_BY_BUILDER"
)
