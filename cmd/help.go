package cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// annotationPlaceholder names a flag's value in help, as in "-var 'key=value'".
const annotationPlaceholder = "kiln_placeholder"

// commandHelp renders a command's help in Packer's layout: a usage line,
// the description, then the flags written with a single dash.
func commandHelp(c *cobra.Command) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: %s\n\n", c.CommandPath()+" "+usageArgs(c))
	if c.Long != "" {
		for _, line := range strings.Split(strings.TrimRight(c.Long, "\n"), "\n") {
			if line == "" {
				b.WriteString("\n")
				continue
			}
			b.WriteString("  " + line + "\n")
		}
		b.WriteString("\n")
	}
	if c.HasAvailableSubCommands() {
		b.WriteString("Subcommands:\n")
		for _, s := range c.Commands() {
			if !s.Hidden {
				fmt.Fprintf(&b, "    %-16s%s\n", s.Name(), s.Short)
			}
		}
		b.WriteString("\n")
	}
	var rows [][2]string
	c.Flags().VisitAll(func(fl *pflag.Flag) {
		if fl.Hidden || fl.Name == "help" {
			return
		}
		rows = append(rows, [2]string{flagSynopsis(fl), fl.Usage})
	})
	if len(rows) > 0 {
		b.WriteString("Options:\n\n")
		width := 0
		for _, r := range rows {
			width = max(width, len(r[0]))
		}
		for _, r := range rows {
			fmt.Fprintf(&b, "  %-*s  %s\n", width, r[0], r[1])
		}
		b.WriteString("\n")
	}
	return b.String()
}

func usageArgs(c *cobra.Command) string {
	use := c.Use
	if i := strings.IndexByte(use, ' '); i >= 0 {
		return use[i+1:]
	}
	if c.HasAvailableSubCommands() {
		return "<subcommand> [options] [args]"
	}
	return ""
}

func flagSynopsis(fl *pflag.Flag) string {
	if p, ok := fl.Annotations[annotationPlaceholder]; ok && len(p) > 0 {
		return "-" + fl.Name + p[0]
	}
	if fl.Value.Type() == "bool" {
		if fl.DefValue == "true" {
			return "-" + fl.Name + "=false"
		}
		return "-" + fl.Name
	}
	return "-" + fl.Name + "=" + fl.Value.Type()
}

// placeholder sets how a flag's value is shown in help, e.g. "=path".
func placeholder(fs *pflag.FlagSet, name, text string) {
	_ = fs.SetAnnotation(name, annotationPlaceholder, []string{text})
}
