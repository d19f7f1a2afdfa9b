package awsaccess

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// SecretString returns the current (AWSCURRENT) string value of the
// Secrets Manager secret name, with the credentials and region of the
// environment, as Packer's aws_secretsmanager_raw.
func SecretString(ctx context.Context, name string) (string, error) {
	cfg, err := Config{}.load(ctx, "")
	if err != nil {
		return "", err
	}
	out, err := secretsmanager.NewFromConfig(cfg).GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{
		SecretId:     aws.String(name),
		VersionStage: aws.String("AWSCURRENT"),
	})
	if err != nil {
		return "", fmt.Errorf("read secret %q: %w", name, err)
	}
	if out.SecretString == nil {
		return "", fmt.Errorf("read secret %q: the secret is not a string", name)
	}
	return *out.SecretString, nil
}

// SecretValue returns one value of a Secrets Manager secret, as Packer's
// aws_secretsmanager: the secret's text when it is not JSON; otherwise
// the JSON object's value for key, or its only value when key is empty.
func SecretValue(ctx context.Context, name, key string) (string, error) {
	s, err := SecretString(ctx, name)
	if err != nil {
		return "", err
	}
	return secretValue(s, key)
}

// secretValue picks key out of a secret's string.
func secretValue(s, key string) (string, error) {
	if !json.Valid([]byte(s)) {
		return s, nil
	}
	var values map[string]any
	if err := json.Unmarshal([]byte(s), &values); err != nil {
		return "", fmt.Errorf("the secret is JSON but not an object: %w", err)
	}
	if key == "" {
		if len(values) > 1 {
			return "", errors.New("the secret has multiple values and no key was set")
		}
		for _, v := range values {
			return secretScalar(v)
		}
	}
	v, ok := values[key]
	if !ok {
		return "", fmt.Errorf("no secret found for key %q", key)
	}
	return secretScalar(v)
}

// secretScalar renders a JSON string or number as Packer does (numbers
// rounded to integers).
func secretScalar(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case float64:
		return strconv.FormatFloat(v, 'f', 0, 64), nil
	default:
		return "", fmt.Errorf("unsupported secret value type %T", v)
	}
}
