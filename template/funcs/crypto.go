package funcs

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"hash"
	"math/big"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/gocty"
	"golang.org/x/crypto/bcrypt"
)

func hashFunc(desc string, h func() hash.Hash) function.Function {
	return function.New(&function.Spec{
		Description: desc,
		Params:      []function.Parameter{{Name: "str", Type: cty.String}},
		Type:        function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			sum := h()
			sum.Write([]byte(args[0].AsString()))
			return cty.StringVal(hex.EncodeToString(sum.Sum(nil))), nil
		},
	})
}

// MD5Func, SHA1Func, SHA256Func and SHA512Func hash a string's UTF-8
// bytes and return the digest in hexadecimal.
var (
	MD5Func    = hashFunc("Computes the MD5 hash of a string, in hexadecimal.", md5.New)
	SHA1Func   = hashFunc("Computes the SHA1 hash of a string, in hexadecimal.", sha1.New)
	SHA256Func = hashFunc("Computes the SHA256 hash of a string, in hexadecimal.", sha256.New)
	SHA512Func = hashFunc("Computes the SHA512 hash of a string, in hexadecimal.", sha512.New)
)

// BcryptFunc hashes a string with bcrypt, with a random salt and an
// optional cost (default 10).
var BcryptFunc = function.New(&function.Spec{
	Description: "Computes a hash of the given string using the Blowfish cipher.",
	Params:      []function.Parameter{{Name: "str", Type: cty.String}},
	VarParam:    &function.Parameter{Name: "cost", Type: cty.Number},
	Type:        function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		cost := bcrypt.DefaultCost
		if len(args) > 2 {
			return cty.UnknownVal(cty.String), fmt.Errorf("bcrypt() takes no more than two arguments")
		}
		if len(args) == 2 {
			if err := gocty.FromCtyValue(args[1], &cost); err != nil {
				return cty.UnknownVal(cty.String), function.NewArgErrorf(1, "cost must be a whole number: %s", err)
			}
		}
		h, err := bcrypt.GenerateFromPassword([]byte(args[0].AsString()), cost)
		if err != nil {
			return cty.UnknownVal(cty.String), fmt.Errorf("error occurred generating password: %w", err)
		}
		return cty.StringVal(string(h)), nil
	},
})

// RSADecryptFunc decrypts base64 RSA (PKCS #1 v1.5) ciphertext with a PEM
// private key.
var RSADecryptFunc = function.New(&function.Spec{
	Description: "Decrypts an RSA-encrypted ciphertext with a PEM-encoded private key.",
	Params: []function.Parameter{
		{Name: "ciphertext", Type: cty.String},
		{Name: "privatekey", Type: cty.String},
	},
	Type: function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		b, err := base64.StdEncoding.DecodeString(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(cty.String), function.NewArgErrorf(0, "failed to decode input %q: cipher text must be base64-encoded", args[0].AsString())
		}
		block, _ := pem.Decode([]byte(args[1].AsString()))
		if block == nil {
			return cty.UnknownVal(cty.String), function.NewArgErrorf(1, "failed to parse key: no key found")
		}
		var key *rsa.PrivateKey
		if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
			key = k
		} else if k, err8 := x509.ParsePKCS8PrivateKey(block.Bytes); err8 == nil {
			rk, ok := k.(*rsa.PrivateKey)
			if !ok {
				return cty.UnknownVal(cty.String), function.NewArgErrorf(1, "failed to parse key: not an RSA key")
			}
			key = rk
		} else {
			return cty.UnknownVal(cty.String), function.NewArgErrorf(1, "failed to parse key: %s", err)
		}
		//lint:ignore SA1019 rsadecrypt is defined (by Packer and Terraform) as PKCS #1 v1.5 decryption
		out, err := rsa.DecryptPKCS1v15(rand.Reader, key, b)
		if err != nil {
			return cty.UnknownVal(cty.String), fmt.Errorf("failed to decrypt: %w", err)
		}
		return cty.StringVal(string(out)), nil
	},
})

// UUIDv4Func returns a random (version 4) UUID.
var UUIDv4Func = function.New(&function.Spec{
	Description: "Generates a random UUID (version 4).",
	Type:        function.StaticReturnType(cty.String),
	Impl: func([]cty.Value, cty.Type) (cty.Value, error) {
		var u [16]byte
		if _, err := rand.Read(u[:]); err != nil {
			return cty.UnknownVal(cty.String), fmt.Errorf("generate uuid: %w", err)
		}
		u[6] = u[6]&0x0f | 0x40
		u[8] = u[8]&0x3f | 0x80
		return cty.StringVal(formatUUID(u)), nil
	},
})

// Namespaces of uuidv5 given by name.
var uuidNamespaces = map[string]string{
	"dns":  "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
	"url":  "6ba7b811-9dad-11d1-80b4-00c04fd430c8",
	"oid":  "6ba7b812-9dad-11d1-80b4-00c04fd430c8",
	"x500": "6ba7b814-9dad-11d1-80b4-00c04fd430c8",
}

// UUIDv5Func returns the name-based (version 5, SHA-1) UUID of a name in a
// namespace: "dns", "url", "oid", "x500" or a UUID.
var UUIDv5Func = function.New(&function.Spec{
	Description: "Generates a name-based UUID (version 5) from a namespace and a name.",
	Params: []function.Parameter{
		{Name: "namespace", Type: cty.String},
		{Name: "name", Type: cty.String},
	},
	Type: function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		ns := args[0].AsString()
		if n, ok := uuidNamespaces[ns]; ok {
			ns = n
		}
		nsBytes, ok := parseUUID(ns)
		if !ok {
			return cty.UnknownVal(cty.String), function.NewArgErrorf(0, "uuidv5() doesn't support namespace %s", args[0].AsString())
		}
		h := sha1.New()
		h.Write(nsBytes[:])
		h.Write([]byte(args[1].AsString()))
		var u [16]byte
		copy(u[:], h.Sum(nil))
		u[6] = u[6]&0x0f | 0x50
		u[8] = u[8]&0x3f | 0x80
		return cty.StringVal(formatUUID(u)), nil
	},
})

func formatUUID(u [16]byte) string {
	h := hex.EncodeToString(u[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func parseUUID(s string) ([16]byte, bool) {
	var u [16]byte
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return u, false
	}
	b, err := hex.DecodeString(s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:])
	if err != nil {
		return u, false
	}
	copy(u[:], b)
	return u, true
}

// bigOne is 1 as a big.Int, for the IP network arithmetic.
var bigOne = big.NewInt(1)
