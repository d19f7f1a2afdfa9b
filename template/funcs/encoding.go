package funcs

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"net/url"
	"unicode/utf8"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/ianaindex"
)

// Base64EncodeFunc encodes a string (its UTF-8 bytes) as base64.
var Base64EncodeFunc = function.New(&function.Spec{
	Description: "Applies Base64 encoding to a string.",
	Params:      []function.Parameter{{Name: "str", Type: cty.String}},
	Type:        function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return cty.StringVal(base64.StdEncoding.EncodeToString([]byte(args[0].AsString()))), nil
	},
})

// Base64DecodeFunc decodes base64 into a string, which must be UTF-8.
var Base64DecodeFunc = function.New(&function.Spec{
	Description: "Decodes a Base64 string into the UTF-8 string it holds.",
	Params:      []function.Parameter{{Name: "str", Type: cty.String}},
	Type:        function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		b, err := base64.StdEncoding.DecodeString(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(cty.String), fmt.Errorf("failed to decode base64 data: %w", err)
		}
		if !utf8.Valid(b) {
			return cty.UnknownVal(cty.String), fmt.Errorf("the result of decoding the provided string is not valid UTF-8")
		}
		return cty.StringVal(string(b)), nil
	},
})

// Base64GzipFunc gzips a string and encodes the result as base64.
var Base64GzipFunc = function.New(&function.Spec{
	Description: "Compresses a string with gzip and then encodes the result in Base64 encoding.",
	Params:      []function.Parameter{{Name: "str", Type: cty.String}},
	Type:        function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		var buf bytes.Buffer
		w := gzip.NewWriter(&buf)
		if _, err := w.Write([]byte(args[0].AsString())); err != nil {
			return cty.UnknownVal(cty.String), fmt.Errorf("compress: %w", err)
		}
		if err := w.Close(); err != nil {
			return cty.UnknownVal(cty.String), fmt.Errorf("compress: %w", err)
		}
		return cty.StringVal(base64.StdEncoding.EncodeToString(buf.Bytes())), nil
	},
})

// URLEncodeFunc escapes a string for use in a URL query.
var URLEncodeFunc = function.New(&function.Spec{
	Description: "Applies URL encoding to a given string.",
	Params:      []function.Parameter{{Name: "str", Type: cty.String}},
	Type:        function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return cty.StringVal(url.QueryEscape(args[0].AsString())), nil
	},
})

func ianaEncoding(name string, arg int) (encoding.Encoding, error) {
	enc, err := ianaindex.IANA.Encoding(name)
	if err != nil || enc == nil {
		return nil, function.NewArgErrorf(arg, "%q is not a supported IANA encoding name or alias", name)
	}
	return enc, nil
}

// TextEncodeBase64Func encodes a string in a character encoding named by
// IANA and returns the bytes as base64.
var TextEncodeBase64Func = function.New(&function.Spec{
	Description: "Encodes the input string using the given character encoding and returns the result as Base64.",
	Params: []function.Parameter{
		{Name: "string", Type: cty.String},
		{Name: "encoding", Type: cty.String},
	},
	Type: function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		name := args[1].AsString()
		enc, err := ianaEncoding(name, 1)
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		b, err := enc.NewEncoder().Bytes([]byte(args[0].AsString()))
		if err != nil {
			return cty.UnknownVal(cty.String), function.NewArgErrorf(0, "the given string contains characters that cannot be represented in %s", name)
		}
		return cty.StringVal(base64.StdEncoding.EncodeToString(b)), nil
	},
})

// TextDecodeBase64Func decodes base64 bytes in a character encoding named
// by IANA into a string.
var TextDecodeBase64Func = function.New(&function.Spec{
	Description: "Decodes Base64 bytes in the given character encoding into a string.",
	Params: []function.Parameter{
		{Name: "source", Type: cty.String},
		{Name: "encoding", Type: cty.String},
	},
	Type: function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		name := args[1].AsString()
		enc, err := ianaEncoding(name, 1)
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		raw, err := base64.StdEncoding.DecodeString(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(cty.String), function.NewArgErrorf(0, "the given value is not valid base64: %s", err)
		}
		out, err := enc.NewDecoder().Bytes(raw)
		if err != nil || !utf8.Valid(out) {
			return cty.UnknownVal(cty.String), function.NewArgErrorf(0, "the given string contains bytes that are not valid %s", name)
		}
		return cty.StringVal(string(out)), nil
	},
})
