// Package awsaccess reaches AWS for kiln's components and template
// functions: credentials as Packer's aws_* keys describe them (falling back
// to the standard chain: environment, shared files, SSO, instance roles),
// Amazon ECR registry logins, and AWS Secrets Manager reads.
//
// Endpoints follow the SDK's rules, so AWS_ENDPOINT_URL and the
// per-service AWS_ENDPOINT_URL_ECR, AWS_ENDPOINT_URL_ECR_PUBLIC and
// AWS_ENDPOINT_URL_SECRETS_MANAGER point kiln at a compatible service
// (LocalStack, a proxy) as they do the AWS CLI.
package awsaccess

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Config is the AWS access a component's template gives, under Packer's
// names. Empty keys leave the credentials to the standard chain.
type Config struct {
	// AccessKey and SecretKey are static credentials.
	AccessKey string `mapstructure:"aws_access_key"`
	SecretKey string `mapstructure:"aws_secret_key"`
	// Token is the session token of temporary credentials; with static
	// keys and no token, AWS_SESSION_TOKEN is used.
	Token string `mapstructure:"aws_token"`
	// Profile names a profile of the shared configuration files.
	Profile string `mapstructure:"aws_profile"`
	// ForceUsePublicECR logs in to ECR Public even when the server does
	// not look like public.ecr.aws.
	ForceUsePublicECR bool `mapstructure:"aws_force_use_public_ecr"`
}

// load returns the SDK configuration for region ("" = from the
// environment or the profile).
func (c Config) load(ctx context.Context, region string) (aws.Config, error) {
	var opts []func(*awsconfig.LoadOptions) error
	if region != "" {
		opts = append(opts, awsconfig.WithRegion(region))
	}
	if c.Profile != "" {
		opts = append(opts, awsconfig.WithSharedConfigProfile(c.Profile))
	}
	if c.AccessKey != "" || c.SecretKey != "" {
		token := c.Token
		if token == "" {
			token = os.Getenv("AWS_SESSION_TOKEN")
		}
		opts = append(opts, awsconfig.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(c.AccessKey, c.SecretKey, token)))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load aws configuration: %w", err)
	}
	return cfg, nil
}
