package docker

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
)

// dockerHubAuthKey is the key of Docker Hub in the CLI's config file.
const dockerHubAuthKey = "https://index.docker.io/v1/"

// RegistryHost returns the registry part of an image reference, or "" for
// Docker Hub ("busybox", "library/busybox", "user/repo").
func RegistryHost(ref string) string {
	first, _, ok := strings.Cut(ref, "/")
	if !ok {
		return ""
	}
	if strings.ContainsAny(first, ".:") || first == "localhost" {
		return first
	}
	return ""
}

// ConfigFileAuth returns the credentials the docker CLI stored (`docker
// login`) for the registry of ref, from $DOCKER_CONFIG/config.json or
// ~/.docker/config.json, or nil. Only plain "auths" entries are read:
// credential helpers (credsStore, credHelpers) are not run.
func ConfigFileAuth(ref string) *RegistryAuth {
	dir := os.Getenv("DOCKER_CONFIG")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil
		}
		dir = filepath.Join(home, ".docker")
	}
	b, err := os.ReadFile(filepath.Join(dir, "config.json"))
	if err != nil {
		return nil
	}
	var cf struct {
		Auths map[string]struct {
			Auth string `json:"auth"`
		} `json:"auths"`
	}
	if json.Unmarshal(b, &cf) != nil {
		return nil
	}
	host := RegistryHost(ref)
	for key, a := range cf.Auths {
		k := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(key, "https://"), "http://"), "/")
		match := host != "" && (k == host || strings.HasPrefix(k, host+"/"))
		if host == "" {
			match = key == dockerHubAuthKey || k == "index.docker.io/v1" || k == "docker.io"
		}
		if !match || a.Auth == "" {
			continue
		}
		dec, err := base64.StdEncoding.DecodeString(a.Auth)
		if err != nil {
			continue
		}
		user, pass, ok := strings.Cut(string(dec), ":")
		if !ok {
			continue
		}
		server := host
		if server == "" {
			server = dockerHubAuthKey
		}
		return &RegistryAuth{Server: server, Username: user, Password: pass}
	}
	return nil
}

// RegistryRepo returns ref without its tag: "host:5000/a/b:1" is
// "host:5000/a/b".
func RegistryRepo(ref string) string {
	if i := strings.Index(ref, "@"); i >= 0 {
		ref = ref[:i]
	}
	slash := strings.LastIndex(ref, "/")
	if i := strings.LastIndex(ref, ":"); i > slash {
		ref = ref[:i]
	}
	return ref
}
