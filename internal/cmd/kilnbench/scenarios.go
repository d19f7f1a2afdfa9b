package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// scenario is one benchmark: a kiln command, the Packer command doing the
// same (when Packer is installed) and the physical-limit reference, each a
// bash command line run in the scenario's scratch folder.
type scenario struct {
	Name, Title string
	// Setup writes the scenario's files into dir.
	Setup func(env *benchEnv, dir string) error
	// Prepare runs before every timed run (hyperfine --prepare).
	Prepare                 string
	Kiln, Packer, Reference string
	TargetText              string
	Target                  func(r *result) string
}

const gib = "1024" // MiB in the large-file scenarios

func scenarios() []scenario {
	return []scenario{
		{
			Name: "validate-1", Title: "validate: 1 null source, 3 shell-local",
			Setup:      writeFile("t.pkr.hcl", nullTemplate(1, 3, "true")),
			Kiln:       `$KILN validate t.pkr.hcl`,
			Packer:     `$PACKER validate t.pkr.hcl`,
			TargetText: "one process", Target: procsAtMost(1),
		},
		{
			Name: "validate-docker", Title: "validate: 1 docker source, 3 shell",
			Setup:      writeFile("t.pkr.hcl", dockerTemplate(`discard = true`, strings.Repeat("  provisioner \"shell\" {\n    inline = [\"true\"]\n  }\n", 3))),
			Kiln:       `$KILN validate t.pkr.hcl`,
			Packer:     `$PACKER validate t.pkr.hcl`,
			TargetText: "≤ 30 ms", Target: wallAtMost(0.030),
		},
		{
			Name: "validate-100", Title: "validate: 100 null sources",
			Setup:  writeFile("t.pkr.hcl", nullTemplate(100, 1, "true")),
			Kiln:   `$KILN validate t.pkr.hcl`,
			Packer: `$PACKER validate t.pkr.hcl`,
		},
		{
			Name: "validate-300", Title: "validate: 300 null sources",
			Setup:      writeFile("t.pkr.hcl", nullTemplate(300, 1, "true")),
			Kiln:       `$KILN validate t.pkr.hcl`,
			Packer:     `$PACKER validate t.pkr.hcl`,
			TargetText: "≤ 0.5 s, < 100 MB", Target: all(wallAtMost(0.5), pssBelow(100)),
		},
		{
			Name: "locals-3000", Title: "validate: 3,000 variables + 3,000 locals",
			Setup:      writeFile("t.pkr.hcl", localsTemplate(3000)),
			Kiln:       `$KILN validate t.pkr.hcl`,
			Packer:     `$PACKER validate t.pkr.hcl`,
			TargetText: "< 100 ms", Target: wallAtMost(0.100),
		},
		{
			Name: "parallel-64", Title: "build: 64 null builds × 3 shell-local sleep 1",
			Setup:      writeFile("t.pkr.hcl", nullTemplate(64, 3, "sleep 1")),
			Kiln:       `$KILN build t.pkr.hcl >/dev/null`,
			Packer:     `$PACKER build t.pkr.hcl >/dev/null`,
			Reference:  `for i in $(seq 64); do (sleep 1; sleep 1; sleep 1) & done; wait`,
			TargetText: "≤ 3.5 s, < 150 MB", Target: all(wallAtMost(3.5), pssBelow(150)),
		},
		{
			Name: "docker-upload", Title: "docker: upload 1 GiB (file provisioner)",
			Setup: all2(randomFile("big.bin", 1024), writeFile("t.pkr.hcl", dockerTemplate(`discard = true`,
				"  provisioner \"file\" {\n    source      = \"big.bin\"\n    destination = \"/tmp/big.bin\"\n  }\n"))),
			Kiln:       `$KILN build t.pkr.hcl >/dev/null`,
			Packer:     `$PACKER build t.pkr.hcl >/dev/null`,
			Reference:  `id=$(docker run -d --entrypoint /bin/sh kiln-test/busybox:latest -c 'sleep 600') && docker cp big.bin $id:/tmp/big.bin && docker rm -f $id >/dev/null`,
			TargetText: "≤ 1.3× docker cp", Target: ratioAtMost(1.3),
		},
		{
			Name: "docker-download", Title: "docker: download 1 GiB (file provisioner)",
			Setup: writeFile("t.pkr.hcl", dockerTemplate(`discard = true`,
				"  provisioner \"shell\" {\n    inline = [\"dd if=/dev/zero of=/tmp/big.bin bs=1M count="+gib+" 2>/dev/null\"]\n  }\n"+
					"  provisioner \"file\" {\n    direction   = \"download\"\n    source      = \"/tmp/big.bin\"\n    destination = \"out.bin\"\n  }\n")),
			Prepare:    `rm -f out.bin`,
			Kiln:       `$KILN build t.pkr.hcl >/dev/null`,
			Packer:     `$PACKER build t.pkr.hcl >/dev/null`,
			Reference:  `id=$(docker run -d --entrypoint /bin/sh kiln-test/busybox:latest -c 'sleep 600') && docker exec $id dd if=/dev/zero of=/tmp/big.bin bs=1M count=` + gib + ` 2>/dev/null && docker cp $id:/tmp/big.bin out.bin && docker rm -f $id >/dev/null`,
			TargetText: "≤ 1.3× docker cp", Target: ratioAtMost(1.3),
		},
		{
			Name: "docker-small-files", Title: "docker: upload 2,000 × 4 KiB files",
			Setup: all2(smallFiles("files", 2000, 4096), writeFile("t.pkr.hcl", dockerTemplate(`discard = true`,
				"  provisioner \"file\" {\n    source      = \"files\"\n    destination = \"/tmp/\"\n  }\n"))),
			Kiln:      `$KILN build t.pkr.hcl >/dev/null`,
			Packer:    `$PACKER build t.pkr.hcl >/dev/null`,
			Reference: `id=$(docker run -d --entrypoint /bin/sh kiln-test/busybox:latest -c 'sleep 600') && docker cp files $id:/tmp/ && docker rm -f $id >/dev/null`,
		},
		{
			Name: "docker-20-shell", Title: "docker: 20 shell provisioner blocks",
			Setup:      writeFile("t.pkr.hcl", dockerTemplate(`discard = true`, strings.Repeat("  provisioner \"shell\" {\n    inline = [\"echo hi\"]\n  }\n", 20))),
			Kiln:       `$KILN build t.pkr.hcl >/dev/null`,
			Packer:     `$PACKER build t.pkr.hcl >/dev/null`,
			Reference:  `id=$(docker run -d --entrypoint /bin/sh kiln-test/busybox:latest -c 'sleep 600') && for i in $(seq 20); do docker exec $id sh -c 'echo hi' >/dev/null; done && docker rm -f $id >/dev/null`,
			TargetText: "< 50 ms per block", Target: perBlockBelow(20, 0.050),
		},
		{
			Name: "docker-export", Title: "docker: export_path with 1 GiB written",
			Setup: writeFile("t.pkr.hcl", dockerTemplate(`export_path = "image.tar"`,
				"  provisioner \"shell\" {\n    inline = [\"dd if=/dev/zero of=/big.bin bs=1M count="+gib+" 2>/dev/null\"]\n  }\n")),
			Prepare:    `rm -f image.tar`,
			Kiln:       `$KILN build t.pkr.hcl >/dev/null`,
			Packer:     `$PACKER build t.pkr.hcl >/dev/null`,
			Reference:  `id=$(docker run -d --entrypoint /bin/sh kiln-test/busybox:latest -c 'sleep 600') && docker exec $id dd if=/dev/zero of=/big.bin bs=1M count=` + gib + ` 2>/dev/null && docker export $id > image.tar && docker rm -f $id >/dev/null`,
			TargetText: "≤ 1.1× docker export", Target: ratioAtMost(1.1),
		},
		{
			Name: "ssh-upload", Title: "ssh: upload 1 GiB to 127.0.0.1 (file provisioner)",
			Setup:      all2(randomFile("big.bin", 1024), sshTemplate),
			Prepare:    `. /var/lib/kiln-test/sshd/env && ssh -q -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -i $KILN_TEST_SSHD_KEY -p $KILN_TEST_SSHD_PORT $KILN_TEST_SSHD_USER@$KILN_TEST_SSHD_HOST rm -f /tmp/kilnbench-big.bin`,
			Kiln:       `$KILN build t.pkr.hcl >/dev/null`,
			Packer:     `$PACKER build t.pkr.hcl >/dev/null`,
			Reference:  `. /var/lib/kiln-test/sshd/env && scp -q -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -i $KILN_TEST_SSHD_KEY -P $KILN_TEST_SSHD_PORT big.bin $KILN_TEST_SSHD_USER@$KILN_TEST_SSHD_HOST:/tmp/kilnbench-big.bin`,
			TargetText: "≤ 1.3× scp", Target: ratioAtMost(1.3),
		},
		{
			Name: "docker-64", Title: "docker: 64 parallel busybox builds, 1 shell provisioner each",
			Setup:      writeFile("t.pkr.hcl", dockerFanOut(64)),
			Kiln:       `$KILN build t.pkr.hcl >/dev/null`,
			Packer:     `$PACKER build t.pkr.hcl >/dev/null`,
			TargetText: "memory at scale (no target)",
		},
		{
			Name: "compress", Title: "compress: 1 GiB of text to tar.gz",
			Setup: all2(textFile("big.bin", 1024), writeFile("t.pkr.hcl", `source "null" "c" {
  communicator = "none"
}

build {
  sources = ["source.null.c"]
  post-processors {
    post-processor "artifice" {
      files = ["big.bin"]
    }
    post-processor "compress" {
      output              = "out.tar.gz"
      keep_input_artifact = true
    }
  }
}
`)),
			// keep_input_artifact keeps big.bin: the artifice artifact's
			// Destroy deletes its files. The size check catches an archive
			// made of nothing.
			Prepare:    `rm -f out.tar.gz`,
			Kiln:       `$KILN build t.pkr.hcl >/dev/null && [ "$(stat -c %s out.tar.gz)" -gt 100000000 ]`,
			Packer:     `$PACKER build t.pkr.hcl >/dev/null && [ "$(stat -c %s out.tar.gz)" -gt 100000000 ]`,
			Reference:  `tar czf out.tar.gz big.bin`,
			TargetText: "≤ 1.3× tar czf", Target: ratioAtMost(1.3),
		},
		{
			Name: "fmt-corpus", Title: "fmt -check: the whole template corpus",
			Kiln:       `$KILN fmt -check -recursive "$CORPUS" >/dev/null; [ $? -le 3 ]`,
			Packer:     `$PACKER fmt -check -recursive "$CORPUS" >/dev/null; [ $? -le 3 ]`,
			TargetText: "< 1 s", Target: wallAtMost(1),
		},
	}
}

func all2(fns ...func(*benchEnv, string) error) func(*benchEnv, string) error {
	return func(env *benchEnv, dir string) error {
		for _, f := range fns {
			if err := f(env, dir); err != nil {
				return err
			}
		}
		return nil
	}
}

func writeFile(name, content string) func(*benchEnv, string) error {
	return func(_ *benchEnv, dir string) error {
		return os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644)
	}
}

// textFile writes mib MiB of compressible, log-like text: words from a
// small vocabulary, numbers and line breaks, from a deterministic
// xorshift stream. (Random bytes
// would measure only how fast each gzip notices that it cannot compress.)
func textFile(name string, mib int) func(*benchEnv, string) error {
	return func(_ *benchEnv, dir string) error {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		defer f.Close()
		words := strings.Fields("kernel build image layer package install config error warning " +
			"debian busybox docker chroot shell file upload download checksum compress manifest " +
			"packer kiln source provisioner artifact network volume mount device user group")
		w := bufio.NewWriterSize(f, 1<<20)
		x := uint64(88172645463325252)
		next := func() uint64 {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			return x
		}
		var line []byte
		for written := 0; written < mib<<20; {
			line = line[:0]
			line = strconv.AppendUint(line, next()%100000, 10)
			for range 4 + next()%8 {
				line = append(line, ' ')
				line = append(line, words[next()%uint64(len(words))]...)
			}
			line = append(line, ' ')
			line = strconv.AppendUint(line, next()%1000000007, 16)
			line = append(line, '\n')
			if rest := mib<<20 - written; len(line) > rest {
				line = line[:rest]
			}
			n, err := w.Write(line)
			if err != nil {
				return err
			}
			written += n
		}
		if err := w.Flush(); err != nil {
			return err
		}
		return f.Close()
	}
}

func randomFile(name string, mib int) func(*benchEnv, string) error {
	return func(_ *benchEnv, dir string) error {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		defer f.Close()
		// Deterministic, incompressible-enough content without reading
		// /dev/urandom for a GiB: an xorshift stream.
		buf := make([]byte, 1<<20)
		x := uint64(88172645463325252)
		for range mib {
			for i := 0; i < len(buf); i += 8 {
				x ^= x << 13
				x ^= x >> 7
				x ^= x << 17
				for j := 0; j < 8; j++ {
					buf[i+j] = byte(x >> (8 * j))
				}
			}
			if _, err := f.Write(buf); err != nil {
				return err
			}
		}
		return f.Close()
	}
}

func smallFiles(sub string, n, size int) func(*benchEnv, string) error {
	return func(_ *benchEnv, dir string) error {
		d := filepath.Join(dir, sub)
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
		data := []byte(strings.Repeat("k", size))
		for i := range n {
			if err := os.WriteFile(filepath.Join(d, fmt.Sprintf("f%05d.txt", i)), data, 0o644); err != nil {
				return err
			}
		}
		return nil
	}
}

func nullTemplate(sources, provisioners int, command string) string {
	var b strings.Builder
	names := make([]string, sources)
	for i := range sources {
		names[i] = fmt.Sprintf("%q", fmt.Sprintf("source.null.n%d", i))
		fmt.Fprintf(&b, "source \"null\" \"n%d\" {\n  communicator = \"none\"\n}\n\n", i)
	}
	fmt.Fprintf(&b, "build {\n  sources = [%s]\n", strings.Join(names, ", "))
	for range provisioners {
		fmt.Fprintf(&b, "  provisioner \"shell-local\" {\n    inline = [%q]\n  }\n", command)
	}
	b.WriteString("}\n")
	return b.String()
}

func dockerTemplate(mode, provisioners string) string {
	return fmt.Sprintf(`source "docker" "bench" {
  image = "kiln-test/busybox:latest"
  pull  = false
  %s
}

build {
  sources = ["source.docker.bench"]
%s}
`, mode, provisioners)
}

func localsTemplate(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "variable \"v%d\" {\n  default = \"value-%d\"\n}\n", i, i)
	}
	b.WriteString("locals {\n")
	for i := range n {
		// Every local uses its variable; every 100th also depends on the
		// local before it, so evaluation order matters.
		if i%100 == 0 && i > 0 {
			fmt.Fprintf(&b, "  l%d = \"${local.l%d}-${var.v%d}\"\n", i, i-1, i)
			continue
		}
		fmt.Fprintf(&b, "  l%d = \"${var.v%d}-x\"\n", i, i)
	}
	b.WriteString("}\n\nsource \"null\" \"n\" {\n  communicator = \"none\"\n}\n\nbuild {\n  sources = [\"source.null.n\"]\n}\n")
	return b.String()
}

func all(checks ...func(*result) string) func(*result) string {
	return func(r *result) string {
		for _, c := range checks {
			if v := c(r); v != "met" {
				return v
			}
		}
		return "met"
	}
}

func kilnOK(r *result) bool { return r.kiln != nil && r.kiln.Err == "" }

func wallAtMost(s float64) func(*result) string {
	return func(r *result) string {
		if !kilnOK(r) {
			return "**not met** (kiln failed)"
		}
		if r.kiln.Median <= s {
			return "met"
		}
		return fmt.Sprintf("**not met** (%s)", wall(r.kiln))
	}
}

func pssBelow(mib float64) func(*result) string {
	return func(r *result) string {
		if !kilnOK(r) {
			return "**not met** (kiln failed)"
		}
		if r.kiln.PeakPSSMiB < mib {
			return "met"
		}
		return fmt.Sprintf("**not met** (%.0f MiB)", r.kiln.PeakPSSMiB)
	}
}

func procsAtMost(n int) func(*result) string {
	return func(r *result) string {
		if !kilnOK(r) {
			return "**not met** (kiln failed)"
		}
		// bash -c may exec the command in place or fork once.
		if r.kiln.Procs <= n+1 {
			return "met"
		}
		return fmt.Sprintf("**not met** (%d)", r.kiln.Procs)
	}
}

func ratioAtMost(x float64) func(*result) string {
	return func(r *result) string {
		if !kilnOK(r) {
			return "**not met** (kiln failed)"
		}
		if r.reference == nil || r.reference.Err != "" || r.reference.Median == 0 {
			return "no reference"
		}
		got := r.kiln.Median / r.reference.Median
		if got <= x {
			return "met"
		}
		return fmt.Sprintf("**not met** (%.2f×)", got)
	}
}

// perBlockBelow checks the cost of each of n provisioner blocks over the
// same number of plain docker execs.
func perBlockBelow(n int, s float64) func(*result) string {
	return func(r *result) string {
		if !kilnOK(r) {
			return "**not met** (kiln failed)"
		}
		if r.reference == nil || r.reference.Err != "" {
			return "no reference"
		}
		per := (r.kiln.Median - r.reference.Median) / float64(n)
		if per < s {
			return fmt.Sprintf("met (%.0f ms/block)", max(per, 0)*1000)
		}
		return fmt.Sprintf("**not met** (%.0f ms/block)", per*1000)
	}
}

// sshTemplate writes a null build connecting to the test sshd that
// scripts/ci-setup.sh starts (described in /var/lib/kiln-test/sshd/env).
func sshTemplate(_ *benchEnv, dir string) error {
	b, err := os.ReadFile("/var/lib/kiln-test/sshd/env")
	if err != nil {
		return fmt.Errorf("no test sshd (run scripts/ci-setup.sh): %w", err)
	}
	env := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			env[k] = v
		}
	}
	t := fmt.Sprintf(`source "null" "ssh" {
  communicator         = "ssh"
  ssh_host             = %q
  ssh_port             = %s
  ssh_username         = %q
  ssh_private_key_file = %q
}

build {
  sources = ["source.null.ssh"]
  provisioner "file" {
    source      = "big.bin"
    destination = "/tmp/kilnbench-big.bin"
  }
}
`, env["KILN_TEST_SSHD_HOST"], env["KILN_TEST_SSHD_PORT"], env["KILN_TEST_SSHD_USER"], env["KILN_TEST_SSHD_KEY"])
	return os.WriteFile(filepath.Join(dir, "t.pkr.hcl"), []byte(t), 0o644)
}

// dockerFanOut is n docker sources built in parallel, each with one shell
// provisioner: memory at scale.
func dockerFanOut(n int) string {
	var b strings.Builder
	names := make([]string, n)
	for i := range n {
		names[i] = fmt.Sprintf("%q", fmt.Sprintf("source.docker.d%d", i))
		fmt.Fprintf(&b, "source \"docker\" \"d%d\" {\n  image   = \"kiln-test/busybox:latest\"\n  pull    = false\n  discard = true\n}\n\n", i)
	}
	fmt.Fprintf(&b, "build {\n  sources = [%s]\n  provisioner \"shell\" {\n    inline = [\"echo hello\"]\n  }\n}\n", strings.Join(names, ", "))
	return b.String()
}
