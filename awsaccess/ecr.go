package awsaccess

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecrpublic"
)

// ecrPublicHost marks an ECR Public server; ECR Public hands out tokens
// in us-east-1 only.
const (
	ecrPublicHost   = "public.ecr.aws/"
	ecrPublicRegion = "us-east-1"
)

// ecrServer matches a private ECR registry address:
// [https://]<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn][/...].
var ecrServer = regexp.MustCompile(`^(?:https?://)?([0-9]+)\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?(?:[:/].*)?$`)

// ParseECRServer returns the account and region of a private ECR registry
// address.
func ParseECRServer(server string) (account, region string, err error) {
	m := ecrServer.FindStringSubmatch(server)
	if m == nil {
		return "", "", fmt.Errorf("failed to parse the ECR URL %q: it should be of the form <account number>.dkr.ecr.<region>.amazonaws.com", server)
	}
	return m[1], m[2], nil
}

// IsECRPublic reports whether server is (or c forces) ECR Public.
func (c Config) IsECRPublic(server string) bool {
	return c.ForceUsePublicECR || strings.Contains(server, ecrPublicHost)
}

// ECRLogin returns the user name and password that log in to the ECR
// registry server: an authorization token from ECR (or ECR Public) for
// the server's account, valid for 12 hours.
func (c Config) ECRLogin(ctx context.Context, server string) (username, password string, err error) {
	var token string
	if c.IsECRPublic(server) {
		cfg, err := c.load(ctx, ecrPublicRegion)
		if err != nil {
			return "", "", err
		}
		out, err := ecrpublic.NewFromConfig(cfg).GetAuthorizationToken(ctx, &ecrpublic.GetAuthorizationTokenInput{})
		if err != nil {
			return "", "", fmt.Errorf("get an ECR Public authorization token: %w", err)
		}
		if out.AuthorizationData == nil || out.AuthorizationData.AuthorizationToken == nil {
			return "", "", errors.New("ECR Public returned no authorization token")
		}
		token = *out.AuthorizationData.AuthorizationToken
	} else {
		account, region, err := ParseECRServer(server)
		if err != nil {
			return "", "", err
		}
		cfg, err := c.load(ctx, region)
		if err != nil {
			return "", "", err
		}
		// The token opens every registry the credentials may use, so
		// the account is only for messages (ECR deprecated RegistryIds).
		out, err := ecr.NewFromConfig(cfg).GetAuthorizationToken(ctx, &ecr.GetAuthorizationTokenInput{})
		if err != nil {
			return "", "", fmt.Errorf("get an ECR authorization token for account %s in %s: %w", account, region, err)
		}
		if len(out.AuthorizationData) == 0 || out.AuthorizationData[0].AuthorizationToken == nil {
			return "", "", fmt.Errorf("ECR returned no authorization token for account %s", account)
		}
		token = *out.AuthorizationData[0].AuthorizationToken
	}
	raw, err := base64.StdEncoding.DecodeString(token)
	if err != nil {
		return "", "", fmt.Errorf("decode the ECR authorization token: %w", err)
	}
	user, pass, ok := strings.Cut(string(raw), ":")
	if !ok {
		return "", "", errors.New("decode the ECR authorization token: it is not user:password")
	}
	return user, pass, nil
}
