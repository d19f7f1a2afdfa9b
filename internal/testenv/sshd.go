package testenv

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// SSHDEnvFile is where scripts/ci-setup.sh describes the test sshd it
// starts; KILN_TEST_SSHD_ENV overrides it.
const SSHDEnvFile = "/var/lib/kiln-test/sshd/env"

// SSHD is a running sshd tests may log in to.
type SSHD struct {
	Host string
	Port int
	// User logs in with the private key in KeyFile.
	User    string
	KeyFile string
	// PasswordUser logs in with Password.
	PasswordUser string
	Password     string
}

// Addr returns host:port.
func (s SSHD) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

func sshdEnvFile() string {
	if p := os.Getenv("KILN_TEST_SSHD_ENV"); p != "" {
		return p
	}
	return SSHDEnvFile
}

// LookupSSHD reads the test sshd's description and checks that it listens.
func LookupSSHD() (SSHD, error) {
	path := sshdEnvFile()
	f, err := os.Open(path)
	if err != nil {
		return SSHD{}, fmt.Errorf("no test sshd description: %w (run scripts/ci-setup.sh as root)", err)
	}
	defer f.Close()
	vals := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), "="); ok {
			vals[k] = v
		}
	}
	if err := sc.Err(); err != nil {
		return SSHD{}, fmt.Errorf("read %s: %w", path, err)
	}
	port, err := strconv.Atoi(vals["KILN_TEST_SSHD_PORT"])
	if err != nil {
		return SSHD{}, fmt.Errorf("%s: bad KILN_TEST_SSHD_PORT %q", path, vals["KILN_TEST_SSHD_PORT"])
	}
	s := SSHD{
		Host:         vals["KILN_TEST_SSHD_HOST"],
		Port:         port,
		User:         vals["KILN_TEST_SSHD_USER"],
		KeyFile:      vals["KILN_TEST_SSHD_KEY"],
		PasswordUser: vals["KILN_TEST_SSHD_PASSWORD_USER"],
		Password:     vals["KILN_TEST_SSHD_PASSWORD"],
	}
	conn, err := net.DialTimeout("tcp", s.Addr(), 5*time.Second)
	if err != nil {
		return SSHD{}, fmt.Errorf("test sshd described in %s does not answer: %w (run scripts/ci-setup.sh)", path, err)
	}
	conn.Close()
	return s, nil
}

// RequireSSHD returns the test sshd, skipping t (saying why) when there is
// none — except in CI, where that fails t.
func RequireSSHD(t testing.TB) SSHD {
	t.Helper()
	s, err := LookupSSHD()
	if err != nil {
		if InCI() {
			t.Fatalf("CI=true but %v", err)
		}
		t.Skipf("needs the test sshd: %v", err)
	}
	return s
}
