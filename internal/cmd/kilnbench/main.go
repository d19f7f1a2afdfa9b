// Command kilnbench runs kiln's whole-process benchmark scenarios side by
// side with their references — HashiCorp Packer when a packer binary is
// available, and the physical limit (docker cp, scp, tar, a shell doing
// the same sleeps) — and writes the results to docs/benchmarks.md.
//
// Wall times are medians from hyperfine (several runs after a warm-up);
// CPU time, peak PSS of the whole process tree and process counts come
// from one extra run under treestat. Run it through `make bench-e2e`.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

func main() {
	kiln := flag.String("kiln", "bin/kiln", "kiln binary")
	packer := flag.String("packer", os.Getenv("PACKER_BIN"), "packer binary (default: PACKER_BIN, else packer on PATH)")
	treestat := flag.String("treestat", "bin/treestat", "treestat binary")
	out := flag.String("out", "docs/benchmarks.md", "markdown file to write")
	runs := flag.Int("runs", 5, "hyperfine runs per command")
	only := flag.String("only", "", "comma-separated scenario names to run (default all)")
	corpus := flag.String("corpus", "../shared/corpus", "template corpus for the fmt scenario")
	flag.Parse()

	if *packer == "" {
		if p, err := exec.LookPath("packer"); err == nil {
			*packer = p
		}
	}
	abs := func(p string) string {
		if p == "" {
			return ""
		}
		a, err := filepath.Abs(p)
		if err != nil {
			return p
		}
		return a
	}
	env := &benchEnv{
		Kiln:     abs(*kiln),
		Packer:   abs(*packer),
		Treestat: abs(*treestat),
		Corpus:   abs(*corpus),
		Runs:     *runs,
	}
	work, err := os.MkdirTemp("", "kilnbench-")
	if err != nil {
		fatal(err)
	}
	defer os.RemoveAll(work)
	env.Work = work
	env.Load = loadAverage()

	var results []*result
	for _, sc := range scenarios() {
		if *only != "" && !contains(strings.Split(*only, ","), sc.Name) {
			continue
		}
		fmt.Fprintf(os.Stderr, "== %s\n", sc.Name)
		r := runScenario(env, sc)
		results = append(results, r)
	}
	md := render(env, results)
	if err := os.WriteFile(*out, []byte(md), 0o644); err != nil {
		fatal(err)
	}
	fmt.Fprintf(os.Stderr, "wrote %s\n", *out)
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "kilnbench:", err)
	os.Exit(1)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

type benchEnv struct {
	Kiln, Packer, Treestat, Corpus, Work string
	Runs                                 int
	// Load is the 1-minute load average when the run started: figures
	// taken on a busy machine say so.
	Load string
}

// measurement is one command's figures.
type measurement struct {
	Cmd        string
	Median     float64 // seconds, hyperfine
	CPU        float64 // seconds, treestat
	PeakPSSMiB float64
	Procs      int
	Err        string
}

type result struct {
	sc        scenario
	kiln      *measurement
	packer    *measurement
	reference *measurement
	verdict   string
}

func runScenario(env *benchEnv, sc scenario) *result {
	dir := filepath.Join(env.Work, sc.Name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return &result{sc: sc, verdict: "set-up failed: " + err.Error()}
	}
	r := &result{sc: sc}
	if sc.Setup != nil {
		if err := sc.Setup(env, dir); err != nil {
			r.verdict = "set-up failed: " + err.Error()
			return r
		}
	}
	if sc.Kiln != "" {
		r.kiln = measure(env, dir, sc.Kiln, sc.Prepare)
	}
	if sc.Packer != "" && env.Packer != "" {
		r.packer = measure(env, dir, sc.Packer, sc.Prepare)
	}
	if sc.Reference != "" {
		r.reference = measure(env, dir, sc.Reference, sc.Prepare)
	}
	if sc.Target != nil {
		r.verdict = sc.Target(r)
	}
	return r
}

// measure runs cmd (a shell command line run in dir) with hyperfine, then
// once under treestat.
func measure(env *benchEnv, dir, cmd, prepare string) *measurement {
	m := &measurement{Cmd: cmd}
	shellEnv := append(os.Environ(),
		"KILN="+env.Kiln, "PACKER="+env.Packer, "CORPUS="+env.Corpus, "CHECKPOINT_DISABLE=1", "PACKER_NO_COLOR=1")
	// A first, checked run: a failing command is reported, not timed.
	check := exec.Command("bash", "-c", cmd)
	check.Dir, check.Env = dir, shellEnv
	if prepare != "" {
		p := exec.Command("bash", "-c", prepare)
		p.Dir, p.Env = dir, shellEnv
		_ = p.Run()
	}
	if outb, err := check.CombinedOutput(); err != nil {
		m.Err = fmt.Sprintf("failed: %v: %s", err, lastLine(outb))
		return m
	}
	jsonPath := filepath.Join(dir, "hyperfine.json")
	args := []string{"--warmup", "1", "--runs", fmt.Sprint(env.Runs), "--export-json", jsonPath, "--style", "none", "--shell", "bash"}
	if prepare != "" {
		args = append(args, "--prepare", prepare)
	}
	args = append(args, cmd)
	hf := exec.Command("hyperfine", args...)
	hf.Dir, hf.Env = dir, shellEnv
	hf.Stdout, hf.Stderr = os.Stderr, os.Stderr
	if err := hf.Run(); err != nil {
		m.Err = "hyperfine: " + err.Error()
		return m
	}
	var hj struct {
		Results []struct {
			Median float64 `json:"median"`
		} `json:"results"`
	}
	if b, err := os.ReadFile(jsonPath); err == nil && json.Unmarshal(b, &hj) == nil && len(hj.Results) == 1 {
		m.Median = hj.Results[0].Median
	}
	if prepare != "" {
		p := exec.Command("bash", "-c", prepare)
		p.Dir, p.Env = dir, shellEnv
		_ = p.Run()
	}
	ts := exec.Command(env.Treestat, "-json", "--", "bash", "-c", cmd)
	ts.Dir, ts.Env = dir, shellEnv
	var stdout bytes.Buffer
	ts.Stdout = &stdout
	_ = ts.Run()
	// The report is the last line; the command's own output precedes it.
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	var rep struct {
		CPU   float64 `json:"cpu_s"`
		PSS   int64   `json:"peak_pss_kib"`
		Procs int     `json:"total_procs"`
	}
	if json.Unmarshal([]byte(lines[len(lines)-1]), &rep) == nil {
		m.CPU, m.PeakPSSMiB, m.Procs = rep.CPU, float64(rep.PSS)/1024, rep.Procs
	}
	return m
}

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

func render(env *benchEnv, results []*result) string {
	var b strings.Builder
	b.WriteString("# Benchmarks\n\n")
	b.WriteString("Whole-process scenarios, kiln side by side with HashiCorp Packer and with the physical limit of\n")
	b.WriteString("the same work, measured in one run on one machine. Produced by:\n\n")
	b.WriteString("```sh\nmake bench-e2e   # after bash scripts/ci-setup.sh; PACKER_BIN=/path/to/packer to compare with another Packer\n```\n\n")
	fmt.Fprintf(&b, "Machine: %s, %d cores, %s, load average %s when the run started. Date: %s. kiln: `%s`. Packer: %s. Docker: %s.\n\n",
		runtime.GOOS+"/"+runtime.GOARCH, runtime.NumCPU(), memTotal(), env.Load, time.Now().UTC().Format("2006-01-02"),
		version(env.Kiln, "version"), packerVersion(env), dockerVersion())
	b.WriteString("Wall times are hyperfine medians over several runs after a warm-up. CPU (user+system of the\n")
	b.WriteString("whole process tree), peak PSS (summed over the tree, sampled every 20 ms) and process counts\n")
	b.WriteString("come from one more run under `treestat`. Work the Docker engine does for either tool is not in\n")
	b.WriteString("the CPU and memory columns. Ratios are what to read first: Packer÷kiln (above 1: kiln is\n")
	b.WriteString("faster) and kiln÷limit (1 is the best possible).\n\n")
	b.WriteString("| scenario | Packer ÷ kiln | kiln ÷ limit | kiln wall | Packer wall | limit wall | kiln CPU | kiln peak PSS | kiln procs | Packer peak PSS | Packer procs | target | met |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range results {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			r.sc.Title, ratio(r.packer, r.kiln), ratio(r.kiln, r.reference),
			wall(r.kiln), wall(r.packer), wall(r.reference),
			cpu(r.kiln), pss(r.kiln), procs(r.kiln), pss(r.packer), procs(r.packer),
			r.sc.TargetText, verdict(r))
	}
	b.WriteString("\nCommands (run in a scratch folder holding the generated templates; `$KILN` and `$PACKER` are the binaries):\n\n")
	for _, r := range results {
		fmt.Fprintf(&b, "- **%s**\n", r.sc.Title)
		for _, m := range []*measurement{r.kiln, r.packer, r.reference} {
			if m == nil {
				continue
			}
			fmt.Fprintf(&b, "  - `%s`", m.Cmd)
			if m.Err != "" {
				fmt.Fprintf(&b, " — %s", strings.ReplaceAll(m.Err, "|", "\\|"))
			}
			b.WriteString("\n")
		}
	}
	b.WriteString("\nPacker's figures from the reference measurements (Packer 1.6.6 on a 2-vCPU VM) are in the\n")
	b.WriteString("project's performance notes; the Packer column above is measured in the same run as kiln.\n")
	return b.String()
}

func verdict(r *result) string {
	if r.verdict != "" {
		return r.verdict
	}
	if r.kiln != nil && r.kiln.Err != "" {
		return "**not met** (kiln failed)"
	}
	return "—"
}

func ratio(num, den *measurement) string {
	if num == nil || den == nil || num.Err != "" || den.Err != "" || den.Median == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f×", num.Median/den.Median)
}

func wall(m *measurement) string {
	switch {
	case m == nil:
		return "—"
	case m.Err != "":
		return "failed"
	case m.Median < 1:
		return fmt.Sprintf("%.0f ms", m.Median*1000)
	}
	return fmt.Sprintf("%.2f s", m.Median)
}

func cpu(m *measurement) string {
	if m == nil || m.Err != "" {
		return "—"
	}
	return fmt.Sprintf("%.2f s", m.CPU)
}

func pss(m *measurement) string {
	if m == nil || m.Err != "" {
		return "—"
	}
	return fmt.Sprintf("%.1f MiB", m.PeakPSSMiB)
}

func procs(m *measurement) string {
	if m == nil || m.Err != "" {
		return "—"
	}
	return fmt.Sprint(m.Procs)
}

func version(bin string, args ...string) string {
	if bin == "" {
		return "not found"
	}
	out, err := exec.Command(bin, args...).Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(strings.Split(string(out), "\n")[0])
}

func packerVersion(env *benchEnv) string {
	if env.Packer == "" {
		return "not installed (no Packer column)"
	}
	return "`" + version(env.Packer, "version") + "`"
}

func dockerVersion() string {
	out, err := exec.Command("docker", "version", "--format", "{{.Server.Version}} (API {{.Server.APIVersion}})").Output()
	if err != nil {
		return "no engine"
	}
	return strings.TrimSpace(string(out))
}

func memTotal() string {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return "unknown memory"
	}
	var kb int64
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "MemTotal:") {
			fmt.Sscan(strings.Fields(line)[1], &kb)
		}
	}
	return fmt.Sprintf("%.0f GiB", float64(kb)/(1<<20))
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Fields(string(b))[0]
}
