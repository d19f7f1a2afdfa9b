package testenv

import (
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestLookupSSHD(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("KILN_TEST_SSHD_ENV", filepath.Join(dir, "missing"))
	if _, err := LookupSSHD(); err == nil || !strings.Contains(err.Error(), "ci-setup.sh") {
		t.Errorf("missing file: %v", err)
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	env := filepath.Join(dir, "env")
	os.WriteFile(env, []byte("KILN_TEST_SSHD_HOST=127.0.0.1\nKILN_TEST_SSHD_PORT="+strconv.Itoa(port)+
		"\nKILN_TEST_SSHD_USER=root\nKILN_TEST_SSHD_KEY=/k\nKILN_TEST_SSHD_PASSWORD_USER=u\nKILN_TEST_SSHD_PASSWORD=p=w\n"), 0o600)
	t.Setenv("KILN_TEST_SSHD_ENV", env)
	s, err := LookupSSHD()
	if err != nil {
		t.Fatal(err)
	}
	if s.Port != port || s.User != "root" || s.KeyFile != "/k" || s.PasswordUser != "u" || s.Password != "p=w" {
		t.Errorf("parsed %+v", s)
	}
	l.Close()
	if _, err := LookupSSHD(); err == nil || !strings.Contains(err.Error(), "does not answer") {
		t.Errorf("closed port: %v", err)
	}
}
