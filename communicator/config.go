package communicator

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/kilnbuild/kiln/communicator/ssh"
	"github.com/kilnbuild/kiln/sdk/commonsteps"
	"github.com/kilnbuild/kiln/sdk/config"
)

// Communicator types StepConnect knows.
const (
	TypeSSH   = "ssh"
	TypeWinRM = "winrm"
	TypeNone  = "none"
	// TypeLocal runs commands on the machine kiln runs on. It is a kiln
	// extension, accepted only by builders that ask for it (null).
	TypeLocal = "local"
)

// Config is the communicator configuration a builder embeds with
// `mapstructure:",squash"`.
type Config struct {
	// Type is "ssh" (the default for most builders), "none", or a type a
	// builder provides ("docker", "local").
	Type string `mapstructure:"communicator"`
	// PauseBeforeConnect waits this long after the first successful
	// connection, then connects again before provisioning.
	PauseBeforeConnect time.Duration `mapstructure:"pause_before_connecting"`

	SSH   `mapstructure:",squash"`
	WinRM `mapstructure:",squash"`
}

// SSH holds the ssh_* keys.
type SSH struct {
	SSHHost     string `mapstructure:"ssh_host"`
	SSHPort     int    `mapstructure:"ssh_port"`
	SSHUsername string `mapstructure:"ssh_username"`
	SSHPassword string `mapstructure:"ssh_password"`
	// SSHKeyPairName, SSHTemporaryKeyPairName and the temporary_key_pair_*
	// keys are accepted for compatibility; builders that create machines
	// use them, the null builder does not.
	SSHKeyPairName          string   `mapstructure:"ssh_keypair_name"`
	SSHTemporaryKeyPairName string   `mapstructure:"temporary_key_pair_name"`
	SSHTemporaryKeyPairType string   `mapstructure:"temporary_key_pair_type"`
	SSHTemporaryKeyPairBits int      `mapstructure:"temporary_key_pair_bits"`
	SSHCiphers              []string `mapstructure:"ssh_ciphers"`
	SSHClearAuthorizedKeys  bool     `mapstructure:"ssh_clear_authorized_keys"`
	SSHKEXAlgos             []string `mapstructure:"ssh_key_exchange_algorithms"`
	SSHPrivateKeyFile       string   `mapstructure:"ssh_private_key_file"`
	SSHCertificateFile      string   `mapstructure:"ssh_certificate_file"`
	SSHPty                  bool     `mapstructure:"ssh_pty"`
	// SSHTimeout is how long to keep trying to connect: 5m by default
	// unless ssh_handshake_attempts is set.
	SSHTimeout time.Duration `mapstructure:"ssh_timeout"`
	// SSHWaitTimeout is the deprecated name of ssh_timeout; it wins when set.
	SSHWaitTimeout            time.Duration `mapstructure:"ssh_wait_timeout"`
	SSHAgentAuth              bool          `mapstructure:"ssh_agent_auth"`
	SSHDisableAgentForwarding bool          `mapstructure:"ssh_disable_agent_forwarding"`
	// SSHHandshakeAttempts is how many SSH handshakes to try once the TCP
	// connection works: 10 by default unless ssh_timeout is set.
	SSHHandshakeAttempts      int    `mapstructure:"ssh_handshake_attempts"`
	SSHBastionHost            string `mapstructure:"ssh_bastion_host"`
	SSHBastionPort            int    `mapstructure:"ssh_bastion_port"`
	SSHBastionAgentAuth       bool   `mapstructure:"ssh_bastion_agent_auth"`
	SSHBastionUsername        string `mapstructure:"ssh_bastion_username"`
	SSHBastionPassword        string `mapstructure:"ssh_bastion_password"`
	SSHBastionInteractive     bool   `mapstructure:"ssh_bastion_interactive"`
	SSHBastionPrivateKeyFile  string `mapstructure:"ssh_bastion_private_key_file"`
	SSHBastionCertificateFile string `mapstructure:"ssh_bastion_certificate_file"`
	// SSHFileTransferMethod is "scp" or "sftp". Unset, kiln uses SFTP and
	// falls back to scp when the server has no SFTP subsystem.
	SSHFileTransferMethod string `mapstructure:"ssh_file_transfer_method"`
	SSHProxyHost          string `mapstructure:"ssh_proxy_host"`
	SSHProxyPort          int    `mapstructure:"ssh_proxy_port"`
	SSHProxyUsername      string `mapstructure:"ssh_proxy_username"`
	SSHProxyPassword      string `mapstructure:"ssh_proxy_password"`
	// SSHKeepAliveInterval is how often to send keep-alives: 5s by
	// default, a negative value disables them.
	SSHKeepAliveInterval time.Duration `mapstructure:"ssh_keep_alive_interval"`
	// SSHReadWriteTimeout fails the connection when nothing came from the
	// host for that long (a host gone during a reboot); 0 means never.
	// With keep-alives, whose replies count, a live host never trips it.
	SSHReadWriteTimeout time.Duration `mapstructure:"ssh_read_write_timeout"`
	SSHRemoteTunnels    []string      `mapstructure:"ssh_remote_tunnels"`
	SSHLocalTunnels     []string      `mapstructure:"ssh_local_tunnels"`
}

// WinRM holds the winrm_* keys. kiln accepts them so that templates
// decode, but has no WinRM communicator: choosing it is an error.
type WinRM struct {
	WinRMUser     string        `mapstructure:"winrm_username"`
	WinRMPassword string        `mapstructure:"winrm_password"`
	WinRMHost     string        `mapstructure:"winrm_host"`
	WinRMNoProxy  bool          `mapstructure:"winrm_no_proxy"`
	WinRMPort     int           `mapstructure:"winrm_port"`
	WinRMTimeout  time.Duration `mapstructure:"winrm_timeout"`
	WinRMUseSSL   bool          `mapstructure:"winrm_use_ssl"`
	WinRMInsecure bool          `mapstructure:"winrm_insecure"`
	WinRMUseNTLM  bool          `mapstructure:"winrm_use_ntlm"`
}

// Host returns the host of the configured communicator.
func (c *Config) Host() string {
	switch c.Type {
	case TypeSSH:
		return c.SSHHost
	case TypeWinRM:
		return c.WinRMHost
	}
	return ""
}

// Port returns the port of the configured communicator.
func (c *Config) Port() int {
	switch c.Type {
	case TypeSSH:
		return c.SSHPort
	case TypeWinRM:
		return c.WinRMPort
	}
	return 0
}

// User returns the user of the configured communicator.
func (c *Config) User() string {
	switch c.Type {
	case TypeSSH:
		return c.SSHUsername
	case TypeWinRM:
		return c.WinRMUser
	}
	return ""
}

// Password returns the password of the configured communicator.
func (c *Config) Password() string {
	switch c.Type {
	case TypeSSH:
		return c.SSHPassword
	case TypeWinRM:
		return c.WinRMPassword
	}
	return ""
}

// Prepare sets defaults and validates. Type defaults to "ssh"; a builder
// with another default sets Type before calling. extra lists the builder's
// own communicator types (e.g. "docker"), which are accepted without
// checks. The errors are *config.FieldError values where a key is at fault.
func (c *Config) Prepare(extra ...string) []error {
	if c.Type == "" {
		c.Type = TypeSSH
	}
	switch {
	case c.Type == TypeSSH:
		return c.prepareSSH()
	case c.Type == TypeNone, slices.Contains(extra, c.Type):
		return nil
	case c.Type == TypeWinRM:
		return []error{keyErr("communicator", "the winrm communicator is not supported by kiln")}
	}
	return []error{keyErr("communicator", "communicator type %s is invalid", c.Type)}
}

func keyErr(key, format string, args ...any) error {
	return &config.FieldError{Path: key, Err: fmt.Errorf(format, args...)}
}

func (c *Config) prepareSSH() []error {
	if c.SSHPort == 0 {
		c.SSHPort = 22
	}
	if c.SSHTimeout == 0 && c.SSHHandshakeAttempts == 0 {
		c.SSHTimeout = 5 * time.Minute
		c.SSHHandshakeAttempts = 10
	}
	if c.SSHKeepAliveInterval == 0 {
		c.SSHKeepAliveInterval = 5 * time.Second
	}
	if c.SSHWaitTimeout != 0 {
		c.SSHTimeout = c.SSHWaitTimeout
	}
	var errs []error
	if c.SSHPrivateKeyFile == "" && c.SSHCertificateFile != "" {
		errs = append(errs, keyErr("ssh_certificate_file", "ssh_private_key_file must be specified if ssh_certificate_file is specified"))
	}
	if c.SSHBastionPrivateKeyFile == "" && c.SSHBastionCertificateFile != "" {
		errs = append(errs, keyErr("ssh_bastion_certificate_file", "ssh_bastion_private_key_file must be specified if ssh_bastion_certificate_file is specified"))
	}
	if c.SSHBastionHost != "" {
		if c.SSHBastionPort == 0 {
			c.SSHBastionPort = 22
		}
		if c.SSHBastionPrivateKeyFile == "" && c.SSHPrivateKeyFile != "" {
			c.SSHBastionPrivateKeyFile = c.SSHPrivateKeyFile
			c.SSHBastionCertificateFile = c.SSHCertificateFile
		}
	}
	if c.SSHProxyHost != "" && c.SSHProxyPort == 0 {
		c.SSHProxyPort = 1080
	}
	if c.SSHUsername == "" {
		errs = append(errs, keyErr("ssh_username", "an ssh_username must be specified"))
	}
	if c.SSHPrivateKeyFile != "" {
		if err := checkKeyFile(c.SSHPrivateKeyFile, c.SSHCertificateFile); err != nil {
			errs = append(errs, keyErr("ssh_private_key_file", "ssh_private_key_file is invalid: %w", err))
		}
	}
	if c.SSHBastionHost != "" {
		if c.SSHBastionPassword == "" && c.SSHBastionPrivateKeyFile == "" && !c.SSHBastionAgentAuth {
			errs = append(errs, keyErr("ssh_bastion_host", "ssh_bastion_password, ssh_bastion_private_key_file or ssh_bastion_agent_auth must be specified"))
		} else if c.SSHBastionPrivateKeyFile != "" {
			if err := checkKeyFile(c.SSHBastionPrivateKeyFile, c.SSHBastionCertificateFile); err != nil {
				errs = append(errs, keyErr("ssh_bastion_private_key_file", "ssh_bastion_private_key_file is invalid: %w", err))
			}
		}
	}
	switch c.SSHFileTransferMethod {
	case "", "scp", "sftp":
	default:
		errs = append(errs, keyErr("ssh_file_transfer_method", "ssh_file_transfer_method (%q) is invalid, valid methods: sftp, scp", c.SSHFileTransferMethod))
	}
	if c.SSHBastionHost != "" && c.SSHProxyHost != "" {
		errs = append(errs, errors.New("please specify either ssh_bastion_host or ssh_proxy_host, not both"))
	}
	for _, v := range c.SSHLocalTunnels {
		if _, err := ssh.ParseTunnel(v); err != nil {
			errs = append(errs, keyErr("ssh_local_tunnels", "ssh_local_tunnels (%q) is invalid: %w", v, err))
		}
	}
	for _, v := range c.SSHRemoteTunnels {
		if _, err := ssh.ParseTunnel(v); err != nil {
			errs = append(errs, keyErr("ssh_remote_tunnels", "ssh_remote_tunnels (%q) is invalid: %w", v, err))
		}
	}
	return errs
}

// checkKeyFile checks that the private key (and certificate) files parse.
func checkKeyFile(keyFile, certFile string) error {
	path, err := ExpandUser(keyFile)
	if err != nil {
		return err
	}
	key, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	cert := ""
	if certFile != "" {
		if cert, err = ExpandUser(certFile); err != nil {
			return err
		}
	}
	_, err = ssh.SignerFromPEM(key, cert)
	return err
}

// ExpandUser expands a leading "~" or "~/" to the home directory.
func ExpandUser(path string) (string, error) {
	if path != "~" && !strings.HasPrefix(path, "~/") {
		return path, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("expand %s: %w", path, err)
	}
	return filepath.Join(home, strings.TrimPrefix(path, "~")), nil
}

// ConnInfo describes the connection for the build's generated data
// (build.Host, build.User, …).
func (c *Config) ConnInfo(host string, port int) commonsteps.ConnInfo {
	ci := commonsteps.ConnInfo{Type: c.Type, Host: host, Port: port, User: c.User(), Password: c.Password()}
	if c.Type == TypeSSH {
		ci.SSHPrivateKeyFile = c.SSHPrivateKeyFile
		ci.SSHAgentAuth = c.SSHAgentAuth
		if c.SSHPrivateKeyFile != "" {
			if p, err := ExpandUser(c.SSHPrivateKeyFile); err == nil {
				if b, err := os.ReadFile(p); err == nil {
					ci.SSHPrivateKey = string(b)
				}
			}
		}
	}
	return ci
}
