package null

import (
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/hcl/v2/hclparse"
)

// The configuration decodes from HCL through the spec ConfigSpec derives.
func TestPrepareFromHCL(t *testing.T) {
	f, diags := hclparse.NewParser().ParseHCL([]byte(`
communicator = "ssh"
ssh_host     = "10.0.0.5"
ssh_port     = 2222
ssh_username = "admin"
ssh_password = "secret"
ssh_timeout  = "90s"
ssh_pty      = true
ssh_ciphers  = ["aes128-ctr"]
`), "null.pkr.hcl")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	b := &Builder{}
	v, diags := hcldec.Decode(f.Body, b.ConfigSpec(), nil)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if _, _, err := b.Prepare(v, map[string]any{"packer_build_name": "n"}); err != nil {
		t.Fatal(err)
	}
	c := b.config
	if c.SSHHost != "10.0.0.5" || c.SSHPort != 2222 || c.SSHTimeout != 90*time.Second || !c.SSHPty ||
		len(c.SSHCiphers) != 1 || c.PackerBuildName != "n" || c.SSHHandshakeAttempts != 0 {
		t.Errorf("decoded %+v", c)
	}

	f, _ = hclparse.NewParser().ParseHCL([]byte(`ssh_hots = "x"`), "bad.pkr.hcl")
	if _, diags := hcldec.Decode(f.Body, b.ConfigSpec(), nil); !diags.HasErrors() {
		t.Error("a misspelt key decoded")
	}
}
