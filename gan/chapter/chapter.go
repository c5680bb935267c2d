// Package chapter is the contract every chapter program keeps: the flags
// -seed, -steps and -out, an output folder, a results table on stdout, and
// metrics.json, a flat JSON object of the numbers the table shows.
//
// A chapter's main is one line, os.Exit(chapter.Main(...)), and the work is
// a Run function that tests call with a small -steps.
package chapter

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"

	"ganbook/layers/atomicfile"
)

// Flags are the options every chapter takes.
type Flags struct {
	Seed  uint64 // seeds every random generator of the run
	Steps int    // training length
	Out   string // output folder
}

// Env is what a running chapter is given: its parsed flags and where to write.
type Env struct {
	Flags
	Stdout io.Writer // the results table
	Stderr io.Writer // progress
}

// Spec describes a chapter to Main.
//
// Setup registers the chapter's own flags, if any, on a fresh configuration
// and returns the function that runs the chapter with it, so that every
// call of Main starts from the defaults:
//
//	func setup(fs *flag.FlagSet) func(chapter.Env) error {
//		cfg := defaults()
//		fs.IntVar(&cfg.hidden, "hidden", cfg.hidden, "hidden units")
//		return func(env chapter.Env) error { return run(env, cfg) }
//	}
type Spec struct {
	Name     string                                     // e.g. "05-wgan"
	Defaults Flags                                      // the default flags (Out may be empty: out/Name)
	Setup    func(fs *flag.FlagSet) func(env Env) error // the chapter's flags and body
}

// Main parses args, prepares the output folder and runs the chapter. It
// returns the process exit code: 0 on success, 2 for bad usage (an unknown
// flag: usage is printed), 1 for anything else, with one line on stderr
// saying what went wrong.
func Main(spec Spec, args []string, stdout, stderr io.Writer) int {
	// Training allocates many short-lived tensors; collecting garbage less
	// often (GOGC 400: when the heap reaches 5× the live data instead of 2×)
	// saves a quarter of the time of the toy chapters and changes no result.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	env, run, err := Parse(spec, args, stdout, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		var usage usageError
		if errors.As(err, &usage) {
			return 2
		}
		fmt.Fprintf(stderr, "%s: %v\n", spec.Name, err)
		return 1
	}
	if err := run(env); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", spec.Name, err)
		return 1
	}
	return 0
}

type usageError struct{ error }

// Parse reads the flags, checks them, creates the output folder and
// returns the environment and the chapter's body, ready to run.
func Parse(spec Spec, args []string, stdout, stderr io.Writer) (Env, func(Env) error, error) {
	def := spec.Defaults
	if def.Out == "" {
		def.Out = filepath.Join("out", spec.Name)
	}
	fs := flag.NewFlagSet(spec.Name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	env := Env{Stdout: stdout, Stderr: stderr}
	fs.Uint64Var(&env.Seed, "seed", def.Seed, "random seed")
	fs.IntVar(&env.Steps, "steps", def.Steps, "training steps")
	fs.StringVar(&env.Out, "out", def.Out, "output folder for pictures and metrics.json")
	run := spec.Setup(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return env, nil, err
		}
		return env, nil, usageError{err}
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return env, nil, usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	if env.Steps < 1 {
		return env, nil, fmt.Errorf("-steps must be at least 1, got %d", env.Steps)
	}
	if err := os.MkdirAll(env.Out, 0o755); err != nil {
		return env, nil, fmt.Errorf("cannot create output folder: %w", err)
	}
	return env, run, nil
}

// Path returns the path of a file in the output folder.
func (e Env) Path(name string) string { return filepath.Join(e.Out, name) }

// Picture is one file a chapter draws: its name in the output folder and
// the function that writes it, such as a plot type's Save method.
type Picture struct {
	Name string
	Save func(path string) error
}

// SavePictures writes the pictures into the output folder, in order, and
// returns the first error.
func (e Env) SavePictures(pictures ...Picture) error {
	for _, p := range pictures {
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

// WriteJSON writes metrics.json into the output folder, atomically.
func (e Env) WriteJSON(m *Metrics) error {
	return atomicfile.WriteFile(e.Path("metrics.json"), m.JSON())
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
