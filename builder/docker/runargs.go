package docker

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/docker/go-units"
)

// runFlag is one `docker run` flag kiln understands in run_command.
type runFlag struct {
	names []string // "--long" and, optionally, "-s"
	value bool     // takes a value
	apply func(s *ContainerSpec, v string) error
}

func boolValue(v string) (bool, error) {
	if v == "" {
		return true, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("want true or false, got %q", v)
	}
	return b, nil
}

func boolFlag(set func(s *ContainerSpec, b bool)) func(*ContainerSpec, string) error {
	return func(s *ContainerSpec, v string) error {
		b, err := boolValue(v)
		if err == nil {
			set(s, b)
		}
		return err
	}
}

// --detach is accepted and means nothing: the builder always runs the
// container detached.
var runFlags = []runFlag{
	{names: []string{"--detach", "-d"}, apply: boolFlag(func(*ContainerSpec, bool) {})},
	{names: []string{"--interactive", "-i"}, apply: boolFlag(func(s *ContainerSpec, b bool) { s.OpenStdin = b })},
	{names: []string{"--tty", "-t"}, apply: boolFlag(func(s *ContainerSpec, b bool) { s.Tty = b })},
	{names: []string{"--privileged"}, apply: boolFlag(func(s *ContainerSpec, b bool) { s.Privileged = b })},
	{names: []string{"--rm"}, apply: boolFlag(func(s *ContainerSpec, b bool) { s.AutoRemove = b })},
	{names: []string{"--init"}, apply: boolFlag(func(s *ContainerSpec, b bool) { s.Init = &b })},
	{names: []string{"--read-only"}, apply: boolFlag(func(s *ContainerSpec, b bool) { s.ReadOnly = b })},
	{names: []string{"--entrypoint"}, value: true, apply: func(s *ContainerSpec, v string) error {
		// As docker run: the flag's value is one program, not a command
		// line; an empty value resets the image's entrypoint.
		s.EntrypointSet = true
		s.Entrypoint = nil
		if v != "" {
			s.Entrypoint = []string{v}
		}
		return nil
	}},
	{names: []string{"--env", "-e"}, value: true, apply: func(s *ContainerSpec, v string) error {
		if !strings.Contains(v, "=") {
			// -e NAME passes the variable from kiln's environment.
			val, ok := os.LookupEnv(v)
			if !ok {
				return nil
			}
			v += "=" + val
		}
		s.Env = append(s.Env, v)
		return nil
	}},
	{names: []string{"--env-file"}, value: true, apply: func(s *ContainerSpec, v string) error {
		f, err := os.Open(v)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if !strings.Contains(line, "=") {
				val, ok := os.LookupEnv(line)
				if !ok {
					continue
				}
				line += "=" + val
			}
			s.Env = append(s.Env, line)
		}
		return sc.Err()
	}},
	{names: []string{"--volume", "-v"}, value: true, apply: func(s *ContainerSpec, v string) error {
		s.Binds = append(s.Binds, v)
		return nil
	}},
	{names: []string{"--user", "-u"}, value: true, apply: func(s *ContainerSpec, v string) error { s.User = v; return nil }},
	{names: []string{"--name"}, value: true, apply: func(s *ContainerSpec, v string) error { s.Name = v; return nil }},
	{names: []string{"--network", "--net"}, value: true, apply: func(s *ContainerSpec, v string) error { s.NetworkMode = v; return nil }},
	{names: []string{"--workdir", "-w"}, value: true, apply: func(s *ContainerSpec, v string) error { s.WorkingDir = v; return nil }},
	{names: []string{"--hostname", "-h"}, value: true, apply: func(s *ContainerSpec, v string) error { s.Hostname = v; return nil }},
	{names: []string{"--cap-add"}, value: true, apply: func(s *ContainerSpec, v string) error { s.CapAdd = append(s.CapAdd, v); return nil }},
	{names: []string{"--cap-drop"}, value: true, apply: func(s *ContainerSpec, v string) error { s.CapDrop = append(s.CapDrop, v); return nil }},
	{names: []string{"--device"}, value: true, apply: func(s *ContainerSpec, v string) error {
		d, err := parseDevice(v)
		if err == nil {
			s.Devices = append(s.Devices, d)
		}
		return err
	}},
	{names: []string{"--tmpfs"}, value: true, apply: func(s *ContainerSpec, v string) error {
		addTmpfs(s, v)
		return nil
	}},
	{names: []string{"--platform"}, value: true, apply: func(s *ContainerSpec, v string) error { s.Platform = v; return nil }},
	{names: []string{"--runtime"}, value: true, apply: func(s *ContainerSpec, v string) error { s.Runtime = v; return nil }},
	{names: []string{"--label", "-l"}, value: true, apply: func(s *ContainerSpec, v string) error {
		k, val, _ := strings.Cut(v, "=")
		if s.Labels == nil {
			s.Labels = map[string]string{}
		}
		s.Labels[k] = val
		return nil
	}},
	{names: []string{"--add-host"}, value: true, apply: func(s *ContainerSpec, v string) error { s.ExtraHosts = append(s.ExtraHosts, v); return nil }},
	{names: []string{"--dns"}, value: true, apply: func(s *ContainerSpec, v string) error { s.DNS = append(s.DNS, v); return nil }},
	{names: []string{"--security-opt"}, value: true, apply: func(s *ContainerSpec, v string) error {
		s.SecurityOpt = append(s.SecurityOpt, v)
		return nil
	}},
	{names: []string{"--group-add"}, value: true, apply: func(s *ContainerSpec, v string) error { s.GroupAdd = append(s.GroupAdd, v); return nil }},
	{names: []string{"--sysctl"}, value: true, apply: func(s *ContainerSpec, v string) error {
		k, val, ok := strings.Cut(v, "=")
		if !ok {
			return fmt.Errorf("want name=value, got %q", v)
		}
		if s.Sysctls == nil {
			s.Sysctls = map[string]string{}
		}
		s.Sysctls[k] = val
		return nil
	}},
	{names: []string{"--ipc"}, value: true, apply: func(s *ContainerSpec, v string) error { s.IpcMode = v; return nil }},
	{names: []string{"--pid"}, value: true, apply: func(s *ContainerSpec, v string) error { s.PidMode = v; return nil }},
	{names: []string{"--cgroupns"}, value: true, apply: func(s *ContainerSpec, v string) error {
		if v != "host" && v != "private" {
			return fmt.Errorf("want host or private, got %q", v)
		}
		s.CgroupnsMode = v
		return nil
	}},
	{names: []string{"--stop-signal"}, value: true, apply: func(s *ContainerSpec, v string) error { s.StopSignal = v; return nil }},
	{names: []string{"--shm-size"}, value: true, apply: func(s *ContainerSpec, v string) error {
		n, err := units.RAMInBytes(v)
		s.ShmSize = n
		return err
	}},
	{names: []string{"--memory", "-m"}, value: true, apply: func(s *ContainerSpec, v string) error {
		n, err := units.RAMInBytes(v)
		s.Memory = n
		return err
	}},
	{names: []string{"--cpus"}, value: true, apply: func(s *ContainerSpec, v string) error {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || math.IsInf(f, 0) {
			return fmt.Errorf("want a number of CPUs, got %q", v)
		}
		s.NanoCPUs = int64(f * 1e9)
		return nil
	}},
}

// supportedRunFlags lists the flags, for error messages.
func supportedRunFlags() string {
	var names []string
	for _, f := range runFlags {
		names = append(names, f.names...)
	}
	slices.Sort(names)
	return strings.Join(names, " ")
}

func lookupRunFlag(name string) *runFlag {
	for i := range runFlags {
		if slices.Contains(runFlags[i].names, name) {
			return &runFlags[i]
		}
	}
	return nil
}

// parseRunCommand turns the arguments of `docker run` (run_command, with
// {{.Image}} rendered) into a ContainerSpec: flags first, then the image,
// then the command. Flags kiln does not know are an error naming the ones
// it does, rather than being silently dropped.
func parseRunCommand(args []string) (ContainerSpec, error) {
	var s ContainerSpec
	i := 0
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			i++
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			break
		}
		if strings.HasPrefix(a, "--") {
			name, val, hasVal := strings.Cut(a, "=")
			f := lookupRunFlag(name)
			if f == nil {
				return s, fmt.Errorf("run_command: docker run flag %s is not supported; kiln supports %s", name, supportedRunFlags())
			}
			if f.value && !hasVal {
				if i+1 >= len(args) {
					return s, fmt.Errorf("run_command: flag %s needs a value", name)
				}
				i++
				val = args[i]
			}
			if err := f.apply(&s, val); err != nil {
				return s, fmt.Errorf("run_command: %s: %w", name, err)
			}
			continue
		}
		// Short flags, possibly grouped (-dit) or with an attached value
		// (-eFOO=bar, -u=42).
		for j := 1; j < len(a); j++ {
			name := "-" + string(a[j])
			f := lookupRunFlag(name)
			if f == nil {
				return s, fmt.Errorf("run_command: docker run flag %s is not supported; kiln supports %s", name, supportedRunFlags())
			}
			if !f.value {
				val := ""
				if j+1 < len(a) && a[j+1] == '=' {
					val = a[j+2:]
					j = len(a)
				}
				if err := f.apply(&s, val); err != nil {
					return s, fmt.Errorf("run_command: %s: %w", name, err)
				}
				continue
			}
			val := strings.TrimPrefix(a[j+1:], "=")
			if j+1 >= len(a) {
				if i+1 >= len(args) {
					return s, fmt.Errorf("run_command: flag %s needs a value", name)
				}
				i++
				val = args[i]
			}
			if err := f.apply(&s, val); err != nil {
				return s, fmt.Errorf("run_command: %s: %w", name, err)
			}
			break
		}
	}
	if i >= len(args) {
		return s, fmt.Errorf("run_command: no image given after the flags (Packer's default ends with \"--\", \"{{.Image}}\")")
	}
	s.Image = args[i]
	if len(args) > i+1 {
		s.Cmd = slices.Clone(args[i+1:])
	}
	return s, nil
}

// parseDevice reads --device host[:container[:permissions]].
func parseDevice(v string) (DeviceMapping, error) {
	parts := strings.Split(v, ":")
	d := DeviceMapping{PathOnHost: parts[0], PathInContainer: parts[0], CgroupPermissions: "rwm"}
	switch len(parts) {
	case 1:
	case 2:
		if isDevicePerms(parts[1]) {
			d.CgroupPermissions = parts[1]
		} else {
			d.PathInContainer = parts[1]
		}
	case 3:
		d.PathInContainer, d.CgroupPermissions = parts[1], parts[2]
	default:
		return d, fmt.Errorf("invalid device %q", v)
	}
	if d.PathOnHost == "" || !isDevicePerms(d.CgroupPermissions) {
		return d, fmt.Errorf("invalid device %q", v)
	}
	return d, nil
}

func isDevicePerms(p string) bool {
	if p == "" {
		return false
	}
	for _, c := range p {
		if c != 'r' && c != 'w' && c != 'm' {
			return false
		}
	}
	return true
}

// addTmpfs reads --tmpfs path[:options].
func addTmpfs(s *ContainerSpec, v string) {
	p, opts, _ := strings.Cut(v, ":")
	if s.Tmpfs == nil {
		s.Tmpfs = map[string]string{}
	}
	s.Tmpfs[p] = opts
}
