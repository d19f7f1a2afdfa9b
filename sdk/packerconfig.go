package sdk

// PackerConfig holds the packer_* keys core injects into every component's
// configuration. Components embed it in their Config with
// `mapstructure:",squash"`.
type PackerConfig struct {
	PackerBuildName     string            `mapstructure:"packer_build_name"`
	PackerBuilderType   string            `mapstructure:"packer_builder_type"`
	PackerCoreVersion   string            `mapstructure:"packer_core_version"`
	PackerDebug         bool              `mapstructure:"packer_debug"`
	PackerForce         bool              `mapstructure:"packer_force"`
	PackerOnError       string            `mapstructure:"packer_on_error"`
	PackerUserVars      map[string]string `mapstructure:"packer_user_variables"`
	PackerSensitiveVars []string          `mapstructure:"packer_sensitive_variables"`
	PackerTemplatePath  string            `mapstructure:"packer_template_path"`
}

// Keys of the packer_* configuration core passes to components.
const (
	KeyBuildName     = "packer_build_name"
	KeyBuilderType   = "packer_builder_type"
	KeyCoreVersion   = "packer_core_version"
	KeyDebug         = "packer_debug"
	KeyForce         = "packer_force"
	KeyOnError       = "packer_on_error"
	KeyUserVariables = "packer_user_variables"
	KeySensitiveVars = "packer_sensitive_variables"
	KeyTemplatePath  = "packer_template_path"
)
