package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// Corpus returns the folder of real-world templates with Packer's recorded
// outcomes (shared/corpus, beside the repository or one of its parents, or
// $KILN_CORPUS). Without it the test is skipped, saying why — except in
// CI, where it fails.
//
// Packer's outcomes were recorded with no secret store configured, and a
// few templates call vault(); Corpus configures the test's environment the
// same way, so that no corpus test reaches a real Vault, Consul or AWS.
func Corpus(t testing.TB) string {
	t.Helper()
	for k, v := range map[string]string{
		"VAULT_TOKEN":               "",
		"VAULT_ADDR":                "http://127.0.0.1:9",
		"CONSUL_HTTP_ADDR":          "127.0.0.1:9",
		"CONSUL_HTTP_TOKEN":         "",
		"AWS_ENDPOINT_URL":          "http://127.0.0.1:9",
		"AWS_EC2_METADATA_DISABLED": "true",
	} {
		t.Setenv(k, v)
	}
	if d := os.Getenv("KILN_CORPUS"); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		c := filepath.Join(d, "shared", "corpus")
		if fi, err := os.Stat(filepath.Join(c, "EXPECTED.tsv")); err == nil && fi.Mode().IsRegular() {
			return c
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	const msg = "template corpus not found: no shared/corpus beside the repository or above it, and KILN_CORPUS is not set"
	if InCI() {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}
