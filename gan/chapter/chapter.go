// Package chapter is the contract every chapter program keeps: the flags
// -seed, -steps and -out, an output folder, a results table on stdout, and
// metrics.json, a flat JSON object of the numbers the table shows.
//
// A chapter's main is one line, os.Exit(chapter.Main(...)), and the work is
// a function of an Env that tests run with a small -steps. Main does what
// every chapter must do the same way:
//
//  1. It checks every flag (each registered with the values it accepts,
//     see FlagSet) and the memory the run would need, and answers a bad one
//     with one line naming the flag and the value, before anything is
//     created, trained or written.
//  2. It makes sure -out is a folder it can write in, then removes what an
//     earlier run of the chapter left there (metrics.json first, then the
//     files matching Spec.Outputs), so that a folder never mixes two runs.
//  3. It runs the chapter. metrics.json is written last, as the mark of a
//     finished run: a folder without it holds an interrupted or failed run.
//  4. Ctrl-C stops the run at the next step boundary (through
//     Env.Context), removes any half-written temporary file, says where it
//     stopped and exits with status 130. A second Ctrl-C ends the program
//     at once.
package chapter

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"

	"ganbook/layers/atomicfile"
	"ganbook/tensor"
)

// Flags are the options every chapter takes.
type Flags struct {
	Seed  uint64 // seeds every random generator of the run
	Steps int    // training length
	Out   string // output folder
}

// Env is what a running chapter is given: its parsed flags, where to write,
// and the context that Ctrl-C cancels.
type Env struct {
	Flags
	Stdout  io.Writer // the results table
	Stderr  io.Writer // progress
	Context context.Context
	out     *outputs
}

// outputs is what an Env knows of the files it may write.
type outputs struct {
	patterns []string // Spec.Outputs
	finished bool     // metrics.json is written
	serving  bool     // -serve: the run writes nothing
	profile  string   // -cpuprofile: where the run's CPU profile goes ("" for none)
}

// Spec describes a chapter to Main.
//
// Setup registers the chapter's own flags, if any, on a fresh configuration
// and returns the function that runs the chapter with it, so that every
// call of Main starts from the defaults:
//
//	func setup(fs *chapter.FlagSet) func(chapter.Env) error {
//		cfg := defaults()
//		fs.Int(&cfg.hidden, "hidden", cfg.hidden, "hidden units", 1)
//		fs.Memory(func(f chapter.Flags) []chapter.Need { return memory(cfg, f) })
//		return func(env chapter.Env) error { return run(env, cfg) }
//	}
type Spec struct {
	Name     string // e.g. "05-wgan"
	Defaults Flags  // the default flags (Out may be empty: out/Name)
	// Outputs are the names of the files the chapter writes besides
	// metrics.json, as patterns of path.Match ("samples.svg",
	// "ring8_step_*.svg"). Env.Path refuses any other name, and Main
	// removes the files that match before a run, so make them narrow: they
	// are matched in a folder the user chose.
	Outputs []string
	Setup   func(fs *FlagSet) func(env Env) error // the chapter's flags and body
}

// Exit statuses of Main.
const (
	ExitOK          = 0
	ExitFailed      = 1   // a bad flag value, a run that failed or diverged
	ExitUsage       = 2   // an unknown flag or argument: usage is printed
	ExitInterrupted = 130 // Ctrl-C, as shells report SIGINT
)

// Main parses args, checks them, prepares the output folder and runs the
// chapter; Ctrl-C (SIGINT) and SIGTERM cancel Env.Context. It returns the
// process exit status (ExitOK, ExitFailed, ExitUsage, ExitInterrupted),
// with one line on stderr saying what went wrong.
func Main(spec Spec, args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // from now on a second Ctrl-C ends the program at once
	}()
	return Run(ctx, spec, args, stdout, stderr)
}

// Run is Main with a context of the caller's (Main's cancels on Ctrl-C):
// what tests call.
func Run(ctx context.Context, spec Spec, args []string, stdout, stderr io.Writer) int {
	// Training allocates many short-lived tensors; collecting garbage less
	// often (GOGC 400: when the heap reaches 5× the live data instead of 2×)
	// saves a quarter of the time of the toy chapters and changes no result.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	env, run, err := Parse(spec, args, stdout, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	if err != nil {
		var usage usageError
		if errors.As(err, &usage) {
			return ExitUsage
		}
		fmt.Fprintf(stderr, "%s: %v\n", spec.Name, err)
		return ExitFailed
	}
	env.Context = ctx
	stopProfile, err := startProfile(env.out.profile)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", spec.Name, err)
		return ExitFailed
	}
	defer func() {
		if err := stopProfile(); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", spec.Name, err)
		}
	}()
	if env.out.serving {
		if err := run(env); err != nil && !errors.Is(err, context.Canceled) {
			fmt.Fprintf(stderr, "%s: %v\n", spec.Name, err)
			return ExitFailed
		}
		return ExitOK
	}
	if err := prepareOut(env.Out, spec.Outputs); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", spec.Name, err)
		return ExitFailed
	}
	err = run(env)
	if err != nil {
		removeTemporary(env.Out, spec.Outputs)
	}
	switch {
	case err == nil && !env.out.finished:
		fmt.Fprintf(stderr, "%s: the chapter finished without writing metrics.json\n", spec.Name)
		return ExitFailed
	case err == nil:
		return ExitOK
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(stderr, "%s: %v; %s holds no metrics.json: this run is incomplete\n", spec.Name, err, env.Out)
		return ExitInterrupted
	}
	fmt.Fprintf(stderr, "%s: %v\n", spec.Name, err)
	return ExitFailed
}

type usageError struct{ error }

// Parse reads the flags and checks them all, and the memory the run would
// need, without creating or writing anything. It returns the environment
// and the chapter's body, ready to run once the output folder is prepared.
func Parse(spec Spec, args []string, stdout, stderr io.Writer) (Env, func(Env) error, error) {
	env, fs := newFlagSet(spec, stdout, stderr)
	run := spec.Setup(fs)
	if err := fs.fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return *env, nil, err
		}
		return *env, nil, usageError{err}
	}
	if fs.fs.NArg() > 0 {
		fmt.Fprintf(stderr, "unexpected argument %q\n", fs.fs.Arg(0))
		fs.fs.Usage()
		return *env, nil, usageError{fmt.Errorf("unexpected argument %q", fs.fs.Arg(0))}
	}
	if strings.TrimSpace(env.Out) == "" {
		return *env, nil, fmt.Errorf("-out must name a folder, got %q", env.Out)
	}
	if err := fs.check(env.Flags); err != nil {
		return *env, nil, err
	}
	if p := env.out.profile; p != "" {
		if err := probeFolder(filepath.Dir(p)); err != nil {
			return *env, nil, fmt.Errorf("-cpuprofile %s: %w", p, err)
		}
	}
	if fs.serveAddr != "" {
		env.out.serving = true
		addr := fs.serveAddr
		return *env, func(env Env) error { return fs.serve(addr, env) }, nil
	}
	return *env, run, nil
}

// newFlagSet returns a fresh environment with the flags every chapter
// takes registered on a new FlagSet.
func newFlagSet(spec Spec, stdout, stderr io.Writer) (*Env, *FlagSet) {
	def := spec.Defaults
	if def.Out == "" {
		def.Out = filepath.Join("out", spec.Name)
	}
	fs := &FlagSet{fs: flag.NewFlagSet(spec.Name, flag.ContinueOnError)}
	fs.fs.SetOutput(stderr)
	env := &Env{Stdout: stdout, Stderr: stderr, Context: context.Background(), out: &outputs{patterns: spec.Outputs}}
	fs.fs.Uint64Var(&env.Seed, "seed", def.Seed, "random seed")
	fs.Int(&env.Steps, "steps", def.Steps, "training steps", 1)
	fs.fs.StringVar(&env.Out, "out", def.Out, "output folder for pictures and metrics.json")
	fs.fs.StringVar(&env.out.profile, "cpuprofile", "", "write a CPU profile of the run to this file, for go tool pprof")
	return env, fs
}

// prepareOut makes sure out is a folder it can write in, then removes
// metrics.json and every file matching the patterns (and their temporary
// files) left there by an earlier run.
func prepareOut(out string, patterns []string) error {
	_, statErr := os.Stat(out)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("-out %s: cannot create the folder: %w", out, unwrapPath(err))
	}
	if err := probeFolder(out); err != nil {
		if os.IsNotExist(statErr) {
			os.Remove(out) // created just now, and useless
		}
		return fmt.Errorf("-out %s: %w", out, err)
	}
	if err := removeIfThere(filepath.Join(out, metricsFile)); err != nil {
		return err
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		return fmt.Errorf("-out %s: %w", out, unwrapPath(err))
	}
	for _, e := range entries {
		if !e.IsDir() && (isOutput(e.Name(), patterns) || isTemporary(e.Name(), patterns)) {
			if err := removeIfThere(filepath.Join(out, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

// probeFolder checks that a file can be written in dir, by writing and
// removing one.
func probeFolder(dir string) error {
	probe, err := os.CreateTemp(dir, ".write-test-*")
	if err == nil {
		name := probe.Name()
		_, err = probe.Write([]byte("ganbook"))
		if cerr := probe.Close(); err == nil {
			err = cerr
		}
		os.Remove(name)
	}
	if err != nil {
		return fmt.Errorf("cannot write in the folder: %w", unwrapPath(err))
	}
	return nil
}

// startProfile starts the CPU profile of -cpuprofile (nothing for "") and
// returns the function that stops it and writes it to path, atomically,
// however the run ended: a profile of an interrupted run still shows where
// its time went.
func startProfile(path string) (stop func() error, err error) {
	if path == "" {
		return func() error { return nil }, nil
	}
	var buf bytes.Buffer
	if err := pprof.StartCPUProfile(&buf); err != nil {
		return nil, fmt.Errorf("-cpuprofile %s: %w", path, err)
	}
	return func() error {
		pprof.StopCPUProfile()
		return atomicfile.WriteFile(path, buf.Bytes())
	}, nil
}

// removeTemporary removes the temporary files of the chapter's outputs, so
// that an interrupted or failed run leaves none behind.
func removeTemporary(out string, patterns []string) {
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		if !e.IsDir() && isTemporary(e.Name(), patterns) {
			os.Remove(filepath.Join(out, e.Name()))
		}
	}
}

const metricsFile = "metrics.json"

// isOutput says whether name matches one of the patterns.
func isOutput(name string, patterns []string) bool {
	for _, p := range patterns {
		if ok, _ := filepath.Match(p, name); ok {
			return true
		}
	}
	return false
}

// isTemporary says whether name is a temporary file of atomicfile for
// metrics.json or an output: ".<name>.tmp-<random>".
func isTemporary(name string, patterns []string) bool {
	base, _, ok := strings.Cut(strings.TrimPrefix(name, "."), ".tmp-")
	return ok && strings.HasPrefix(name, ".") && (base == metricsFile || isOutput(base, patterns))
}

func removeIfThere(path string) error {
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("cannot remove %s, left by an earlier run: %w", path, unwrapPath(err))
	}
	return nil
}

// unwrapPath drops the operation and path of an *os.PathError, which the
// messages above already name.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Path returns the path of a file in the output folder. The name must be
// metrics.json or match one of the Spec's Outputs, and metrics.json must
// not be written yet: anything else is a mistake in the chapter, and Path
// panics with a *tensor.Error wrapping tensor.ErrArgument ("chapter:
// Env.Path: bad argument ...") that names the file.
func (e Env) Path(name string) string {
	if e.out != nil {
		if name != metricsFile && !isOutput(name, e.out.patterns) {
			panic(tensor.NewError("chapter", tensor.ErrArgument, "Env.Path", "%q matches none of the Spec's Outputs %q", name, e.out.patterns))
		}
		if e.out.finished {
			panic(tensor.NewError("chapter", tensor.ErrArgument, "Env.Path", "%q after metrics.json, which must be written last", name))
		}
	}
	return filepath.Join(e.Out, name)
}

// Picture is one file a chapter draws: its name in the output folder and
// the function that writes it, such as a plot type's Save method.
type Picture struct {
	Name string
	Save func(path string) error
}

// SavePictures writes the pictures into the output folder, in order, and
// returns the first error. A cancelled Context stops it between two
// pictures with an error wrapping context.Canceled.
func (e Env) SavePictures(pictures ...Picture) error {
	for i, p := range pictures {
		if e.Context != nil && e.Context.Err() != nil {
			return fmt.Errorf("interrupted while writing the pictures, after %d of %d: %w", i, len(pictures), e.Context.Err())
		}
		if err := p.Save(e.Path(p.Name)); err != nil {
			return err
		}
	}
	return nil
}

// ---- Results --------------------------------------------------------------------

// Metrics is an ordered list of named numbers: the results table and the
// content of metrics.json.
type Metrics struct {
	names  []string
	values map[string]float64
}

// Set records a metric (replacing an earlier value of the same name).
func (m *Metrics) Set(name string, v float64) {
	if m.values == nil {
		m.values = map[string]float64{}
	}
	if _, ok := m.values[name]; !ok {
		m.names = append(m.names, name)
	}
	m.values[name] = v
}

// Get returns a metric's value and whether it exists.
func (m *Metrics) Get(name string) (float64, bool) {
	v, ok := m.values[name]
	return v, ok
}

// Names lists the metrics in the order they were set.
func (m *Metrics) Names() []string { return append([]string(nil), m.names...) }

// JSON encodes the metrics as a flat JSON object in their order, one per
// line. NaN and ±Inf, which JSON cannot hold, are written as null.
func (m *Metrics) JSON() []byte {
	var b bytes.Buffer
	b.WriteString("{\n")
	for i, name := range m.names {
		v := m.values[name]
		num := "null"
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			num = strconv.FormatFloat(v, 'g', -1, 64)
		}
		fmt.Fprintf(&b, "  %s: %s", strconv.Quote(name), num)
		if i < len(m.names)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("}\n")
	return b.Bytes()
}

// WriteJSON writes metrics.json into the output folder, atomically. It is
// the last file a chapter writes: its presence marks a finished run, and
// Path refuses any file after it.
func (e Env) WriteJSON(m *Metrics) error {
	if err := atomicfile.WriteFile(e.Path(metricsFile), m.JSON()); err != nil {
		return err
	}
	if e.out != nil {
		e.out.finished = true
	}
	return nil
}

// PrintTable writes the metrics as an aligned two-column table.
func PrintTable(w io.Writer, title string, m *Metrics) {
	width := 0
	for _, n := range m.names {
		width = max(width, len(n))
	}
	fmt.Fprintf(w, "%s\n%s\n", title, strings.Repeat("-", max(len(title), width+14)))
	for _, n := range m.names {
		fmt.Fprintf(w, "%-*s  %12s\n", width, n, formatValue(m.values[n]))
	}
}

func formatValue(v float64) string {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return fmt.Sprint(v)
	case v == math.Trunc(v) && math.Abs(v) < 1e9:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case math.Abs(v) >= 1e-3 && math.Abs(v) < 1e6:
		return strconv.FormatFloat(v, 'f', 4, 64)
	}
	return strconv.FormatFloat(v, 'e', 3, 64)
}
