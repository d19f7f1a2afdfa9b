package awsaccess

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/kilnbuild/kiln/awsaccess/awstest"
)

func token(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestParseECRServer(t *testing.T) {
	for _, tt := range []struct{ in, account, region string }{
		{"123456789012.dkr.ecr.eu-west-1.amazonaws.com", "123456789012", "eu-west-1"},
		{"https://123456789012.dkr.ecr.us-east-1.amazonaws.com/", "123456789012", "us-east-1"},
		{"http://1.dkr.ecr.ap-southeast-2.amazonaws.com/repo/name", "1", "ap-southeast-2"},
		{"123.dkr.ecr-fips.us-gov-west-1.amazonaws.com", "123", "us-gov-west-1"},
		{"123.dkr.ecr.cn-north-1.amazonaws.com.cn", "123", "cn-north-1"},
		{"123.dkr.ecr.eu-west-1.amazonaws.com:443", "123", "eu-west-1"},
		{"registry.example.com", "", ""},
		{"dkr.ecr.eu-west-1.amazonaws.com", "", ""},
		{"abc.dkr.ecr.eu-west-1.amazonaws.com", "", ""},
		{"123.dkr.ecr.eu-west-1.amazonaws.com.evil.example", "", ""},
	} {
		account, region, err := ParseECRServer(tt.in)
		if tt.account == "" {
			if err == nil || !strings.Contains(err.Error(), "<account number>.dkr.ecr.<region>.amazonaws.com") {
				t.Errorf("ParseECRServer(%q) = %q, %q, %v; want an error", tt.in, account, region, err)
			}
			continue
		}
		if err != nil || account != tt.account || region != tt.region {
			t.Errorf("ParseECRServer(%q) = %q, %q, %v; want %q, %q", tt.in, account, region, err, tt.account, tt.region)
		}
	}
}

func TestECRLogin(t *testing.T) {
	const private, public = awstest.TargetECRToken, awstest.TargetECRPublicToken
	f := awstest.Serve(t, map[string]awstest.Answer{
		private: func(map[string]any) (int, any) {
			return http.StatusOK, map[string]any{"authorizationData": []any{map[string]any{
				"authorizationToken": token("AWS:private-password"),
				"proxyEndpoint":      "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com",
			}}}
		},
		public: func(map[string]any) (int, any) {
			return http.StatusOK, map[string]any{"authorizationData": map[string]any{"authorizationToken": token("AWS:public:password")}}
		},
	})
	ctx := context.Background()

	// Static keys from the template; the region from the server name.
	user, pass, err := Config{AccessKey: "AKIDTEMPLATE", SecretKey: "s", Token: "tok"}.ECRLogin(ctx, "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/")
	if err != nil || user != "AWS" || pass != "private-password" {
		t.Fatalf("private login = %q, %q, %v", user, pass, err)
	}
	c := f.Last()
	if c.Target != private || !strings.Contains(c.Auth, "Credential=AKIDTEMPLATE/") || !strings.Contains(c.Auth, "/eu-west-1/ecr/aws4_request") {
		t.Errorf("call %+v: want ECR in eu-west-1 signed with the template's key", c)
	}

	// No keys: the environment's credentials.
	if _, _, err := (Config{}).ECRLogin(ctx, "123456789012.dkr.ecr.us-west-2.amazonaws.com"); err != nil {
		t.Fatal(err)
	}
	if c := f.Last(); !strings.Contains(c.Auth, "Credential=AKIDENV/") || !strings.Contains(c.Auth, "/us-west-2/ecr/") {
		t.Errorf("call %+v: want the environment's key in us-west-2", c)
	}

	// ECR Public, by name or forced: us-east-1, the password may hold colons.
	for _, cfg := range []struct {
		c      Config
		server string
	}{{Config{}, "public.ecr.aws/a1b2c3"}, {Config{ForceUsePublicECR: true}, "registry.example.com"}} {
		user, pass, err := cfg.c.ECRLogin(ctx, cfg.server)
		if err != nil || user != "AWS" || pass != "public:password" {
			t.Errorf("public login %q = %q, %q, %v", cfg.server, user, pass, err)
		}
		if c := f.Last(); c.Target != public || !strings.Contains(c.Auth, "/us-east-1/ecr-public/") {
			t.Errorf("call %+v: want ECR Public in us-east-1", c)
		}
	}

	// Errors: a server that is not ECR (no call), and ECR's own error.
	n := len(f.Calls())
	if _, _, err := (Config{}).ECRLogin(ctx, "registry.example.com"); err == nil || !strings.Contains(err.Error(), "failed to parse the ECR URL") {
		t.Errorf("not ECR: %v", err)
	}
	if len(f.Calls()) != n {
		t.Errorf("a server that is not ECR was asked for a token")
	}
	awstest.Serve(t, map[string]awstest.Answer{private: func(map[string]any) (int, any) {
		return http.StatusBadRequest, map[string]string{"__type": "AccessDeniedException", "message": "not authorized to perform: ecr:GetAuthorizationToken"}
	}})
	_, _, err = Config{}.ECRLogin(ctx, "999999999999.dkr.ecr.eu-west-1.amazonaws.com")
	if err == nil || !strings.Contains(err.Error(), "AccessDeniedException") || !strings.Contains(err.Error(), "account 999999999999 in eu-west-1") {
		t.Errorf("ECR error: %v", err)
	}
}

func TestECRLoginBadToken(t *testing.T) {
	const private = awstest.TargetECRToken
	for _, tt := range []struct {
		answer any
		want   string
	}{
		{map[string]any{"authorizationData": []any{}}, "no authorization token"},
		{map[string]any{"authorizationData": []any{map[string]any{"authorizationToken": "%%%"}}}, "decode the ECR authorization token"},
		{map[string]any{"authorizationData": []any{map[string]any{"authorizationToken": token("no-colon")}}}, "not user:password"},
	} {
		awstest.Serve(t, map[string]awstest.Answer{private: func(map[string]any) (int, any) { return http.StatusOK, tt.answer }})
		_, _, err := Config{}.ECRLogin(context.Background(), "1.dkr.ecr.eu-west-1.amazonaws.com")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("answer %v: err = %v, want %q", tt.answer, err, tt.want)
		}
	}
}

func TestSecrets(t *testing.T) {
	const get = awstest.TargetGetSecretValue
	secrets := map[string]any{
		"plain":  "just text",
		"one":    `{"password":"hunter2"}`,
		"many":   `{"user":"admin","password":"hunter2","port":5432,"ratio":1.5,"nested":{"a":1}}`,
		"list":   `["a","b"]`,
		"empty":  `{}`,
		"binary": nil,
	}
	f := awstest.Serve(t, map[string]awstest.Answer{get: func(body map[string]any) (int, any) {
		name, _ := body["SecretId"].(string)
		s, ok := secrets[name]
		if !ok {
			return http.StatusBadRequest, map[string]string{"__type": "ResourceNotFoundException", "message": "Secrets Manager can't find the specified secret."}
		}
		if s == nil {
			return http.StatusOK, map[string]any{"Name": name, "SecretBinary": base64.StdEncoding.EncodeToString([]byte{0, 1})}
		}
		return http.StatusOK, map[string]any{"Name": name, "SecretString": s}
	}})
	ctx := context.Background()
	for _, tt := range []struct{ name, key, want, err string }{
		{name: "plain", want: "just text"},
		{name: "plain", key: "ignored", want: "just text"},
		{name: "one", want: "hunter2"},
		{name: "one", key: "password", want: "hunter2"},
		{name: "one", key: "user", err: `no secret found for key "user"`},
		{name: "many", err: "multiple values and no key was set"},
		{name: "many", key: "user", want: "admin"},
		{name: "many", key: "port", want: "5432"},
		{name: "many", key: "ratio", want: "2"},
		{name: "many", key: "nested", err: "unsupported secret value type"},
		{name: "list", err: "JSON but not an object"},
		{name: "empty", err: `no secret found for key ""`},
		{name: "binary", err: "not a string"},
		{name: "missing", err: "ResourceNotFoundException"},
	} {
		got, err := SecretValue(ctx, tt.name, tt.key)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("SecretValue(%q, %q) = %q, %v; want error %q", tt.name, tt.key, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("SecretValue(%q, %q) = %q, %v; want %q", tt.name, tt.key, got, err, tt.want)
		}
	}
	raw, err := SecretString(ctx, "many")
	if err != nil || raw != secrets["many"] {
		t.Errorf("SecretString = %q, %v", raw, err)
	}
	c := f.Last()
	if c.Body["VersionStage"] != "AWSCURRENT" || !strings.Contains(c.Auth, "/eu-central-1/secretsmanager/") {
		t.Errorf("call %+v: want AWSCURRENT in the environment's region", c)
	}
}
