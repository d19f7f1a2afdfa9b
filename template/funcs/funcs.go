package funcs

import (
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	ctyyaml "github.com/zclconf/go-cty-yaml"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// Functions returns the functions of a template whose relative paths
// (file, fileset, templatefile, …) resolve against basedir, the template's
// directory. The map is new on each call; callers may add to it.
func Functions(basedir string) map[string]function.Function {
	funcs := map[string]function.Function{
		// numeric
		"abs":      stdlib.AbsoluteFunc,
		"ceil":     stdlib.CeilFunc,
		"floor":    stdlib.FloorFunc,
		"log":      LogFunc,
		"max":      stdlib.MaxFunc,
		"min":      stdlib.MinFunc,
		"parseint": stdlib.ParseIntFunc,
		"pow":      PowFunc,
		"signum":   stdlib.SignumFunc,
		"sum":      SumFunc,

		// string
		"chomp":         stdlib.ChompFunc,
		"endswith":      EndsWithFunc,
		"format":        stdlib.FormatFunc,
		"formatlist":    stdlib.FormatListFunc,
		"indent":        IndentFunc,
		"join":          stdlib.JoinFunc,
		"lower":         stdlib.LowerFunc,
		"regex":         stdlib.RegexFunc,
		"regexall":      stdlib.RegexAllFunc,
		"regex_replace": stdlib.RegexReplaceFunc,
		"replace":       stdlib.ReplaceFunc,
		"split":         stdlib.SplitFunc,
		"startswith":    StartsWithFunc,
		"strcontains":   StrContainsFunc,
		"strrev":        stdlib.ReverseFunc,
		"substr":        stdlib.SubstrFunc,
		"title":         stdlib.TitleFunc,
		"trim":          stdlib.TrimFunc,
		"trimprefix":    stdlib.TrimPrefixFunc,
		"trimspace":     stdlib.TrimSpaceFunc,
		"trimsuffix":    stdlib.TrimSuffixFunc,
		"upper":         stdlib.UpperFunc,

		// collection
		"alltrue":         AllTrueFunc,
		"anytrue":         AnyTrueFunc,
		"chunklist":       stdlib.ChunklistFunc,
		"coalesce":        CoalesceFunc,
		"coalescelist":    stdlib.CoalesceListFunc,
		"compact":         stdlib.CompactFunc,
		"concat":          stdlib.ConcatFunc,
		"contains":        stdlib.ContainsFunc,
		"distinct":        stdlib.DistinctFunc,
		"element":         stdlib.ElementFunc,
		"flatten":         stdlib.FlattenFunc,
		"index":           IndexFunc,
		"keys":            stdlib.KeysFunc,
		"length":          LengthFunc,
		"lookup":          stdlib.LookupFunc,
		"merge":           stdlib.MergeFunc,
		"range":           stdlib.RangeFunc,
		"reverse":         stdlib.ReverseListFunc,
		"setintersection": stdlib.SetIntersectionFunc,
		"setproduct":      stdlib.SetProductFunc,
		"setunion":        stdlib.SetUnionFunc,
		"slice":           stdlib.SliceFunc,
		"sort":            stdlib.SortFunc,
		"values":          stdlib.ValuesFunc,
		"zipmap":          stdlib.ZipmapFunc,

		// encoding
		"base64decode":     Base64DecodeFunc,
		"base64encode":     Base64EncodeFunc,
		"base64gzip":       Base64GzipFunc,
		"csvdecode":        stdlib.CSVDecodeFunc,
		"jsondecode":       stdlib.JSONDecodeFunc,
		"jsonencode":       stdlib.JSONEncodeFunc,
		"textdecodebase64": TextDecodeBase64Func,
		"textencodebase64": TextEncodeBase64Func,
		"urlencode":        URLEncodeFunc,
		"yamldecode":       ctyyaml.YAMLDecodeFunc,
		"yamlencode":       ctyyaml.YAMLEncodeFunc,

		// filesystem
		"abspath":    AbsPathFunc,
		"basename":   BasenameFunc,
		"dirname":    DirnameFunc,
		"file":       MakeFileFunc(basedir),
		"filebase64": MakeFileBase64Func(basedir),
		"fileexists": MakeFileExistsFunc(basedir),
		"fileset":    MakeFileSetFunc(basedir),
		"pathexpand": PathExpandFunc,

		// date and time
		"formatdate":      stdlib.FormatDateFunc,
		"legacy_isotime":  LegacyIsotimeFunc,
		"legacy_strftime": LegacyStrftimeFunc,
		"timeadd":         stdlib.TimeAddFunc,
		"timestamp":       TimestampFunc,

		// hash and crypto
		"bcrypt":     BcryptFunc,
		"md5":        MD5Func,
		"rsadecrypt": RSADecryptFunc,
		"sha1":       SHA1Func,
		"sha256":     SHA256Func,
		"sha512":     SHA512Func,

		// uuid
		"uuidv4": UUIDv4Func,
		"uuidv5": UUIDv5Func,

		// ip network
		"cidrhost":    CIDRHostFunc,
		"cidrnetmask": CIDRNetmaskFunc,
		"cidrsubnet":  CIDRSubnetFunc,
		"cidrsubnets": CIDRSubnetsFunc,

		// conversion
		"can":     tryfunc.CanFunc,
		"convert": typeexpr.ConvertFunc,
		"try":     tryfunc.TryFunc,

		// contextual: secret stores
		"consul_key":             ConsulKeyFunc,
		"vault":                  VaultFunc,
		"aws_secretsmanager":     AWSSecretsManagerFunc,
		"aws_secretsmanager_raw": AWSSecretsManagerRawFunc,
	}
	funcs["templatefile"] = makeTemplateFileFunc(basedir, func() map[string]function.Function { return funcs })
	return funcs
}
