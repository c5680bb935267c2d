// Package chaptertest runs chapter programs inside their tests: each
// chapter's main_test.go runs the real program with a few steps, the way a
// reader would run it, and checks what it wrote and how it answers bad
// flags.
package chaptertest

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ganbook/gan/chapter"
)

// Result is what a chapter run left behind.
type Result struct {
	Metrics map[string]float64 // metrics.json, with null read back as NaN
	JSON    []byte             // metrics.json as written
	Dir     string             // the output folder
	Stdout  string             // the results table
}

// Run runs the chapter with args and -out set to a fresh temporary folder.
// It fails the test unless the program exits with status 0, writes a valid
// metrics.json and leaves no temporary file.
func Run(t testing.TB, spec chapter.Spec, args ...string) Result {
	t.Helper()
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	if code := chapter.Run(context.Background(), spec, append([]string{"-out", dir}, args...), &stdout, &stderr); code != 0 {
		t.Fatalf("%s %v exited with status %d: %s", spec.Name, args, code, stderr.String())
	}
	raw, err := os.ReadFile(filepath.Join(dir, "metrics.json"))
	if err != nil {
		t.Fatalf("%s: %v", spec.Name, err)
	}
	var parsed map[string]*float64
	if err := json.Unmarshal(raw, &parsed); err != nil {
		t.Fatalf("%s: metrics.json: %v", spec.Name, err)
	}
	metrics := make(map[string]float64, len(parsed))
	for name, v := range parsed {
		metrics[name] = math.NaN()
		if v != nil {
			metrics[name] = *v
		}
	}
	NoTemporaryFiles(t, dir)
	return Result{Metrics: metrics, JSON: raw, Dir: dir, Stdout: stdout.String()}
}

// NoTemporaryFiles fails the test if dir holds a hidden temporary file of
// an atomic write (".name.tmp-…").
func NoTemporaryFiles(t testing.TB, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("%s: temporary file %s left behind", dir, e.Name())
		}
	}
}

// Deterministic runs the chapter twice with the same args and fails the
// test unless both runs write byte-identical metrics.json files.
func Deterministic(t testing.TB, spec chapter.Spec, args ...string) {
	t.Helper()
	a, b := Run(t, spec, args...), Run(t, spec, args...)
	if !bytes.Equal(a.JSON, b.JSON) {
		t.Fatalf("%s %v: two runs differ:\n%s\n%s", spec.Name, args, a.JSON, b.JSON)
	}
}

// BadValue is an impossible flag value and the one line the chapter must
// answer it with on stderr. A Want ending in "…" is a prefix.
type BadValue struct {
	Args []string
	Want string
}

// BadFlags checks the chapter's answers to bad usage: an unknown flag
// prints usage and exits with status 2; each bad value exits with status 1
// and exactly its one line, and creates no output folder.
func BadFlags(t testing.TB, spec chapter.Spec, bad ...BadValue) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := chapter.Run(context.Background(), spec, []string{"-nonsense"}, &stdout, &stderr); code != 2 {
		t.Errorf("%s -nonsense: exit status %d, want 2", spec.Name, code)
	}
	if !bytes.Contains(stderr.Bytes(), []byte("Usage")) {
		t.Errorf("%s -nonsense: no usage on stderr: %q", spec.Name, stderr.String())
	}
	for _, b := range bad {
		stderr.Reset()
		out := filepath.Join(t.TempDir(), "out")
		args := append(append([]string(nil), b.Args...), "-out", out)
		if code := chapter.Run(context.Background(), spec, args, &stdout, &stderr); code != 1 {
			t.Errorf("%s %v: exit status %d, want 1", spec.Name, b.Args, code)
		}
		if prefix, ok := strings.CutSuffix(b.Want, "…"); ok {
			if !strings.HasPrefix(stderr.String(), prefix) || strings.Count(stderr.String(), "\n") != 1 {
				t.Errorf("%s %v: stderr %q, want one line starting %q", spec.Name, b.Args, stderr.String(), prefix)
			}
		} else if stderr.String() != b.Want {
			t.Errorf("%s %v: stderr %q, want %q", spec.Name, b.Args, stderr.String(), b.Want)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%s %v: the output folder was created for a rejected run", spec.Name, b.Args)
		}
	}
}

// EveryFlag tries every numeric flag of the chapter with 0, −1, NaN, ±Inf
// and absurdly large values and checks the answer without running
// anything: no panic; NaN and ±Inf refused for every float flag and −1 for
// every int flag (a flag the chapter does not parse as a number is a usage
// error); and every refusal one line that names the flag it blames.
func EveryFlag(t *testing.T, spec chapter.Spec) {
	t.Helper()
	flags := chapter.List(spec)
	namesAFlag := func(msg string) bool {
		for _, f := range flags {
			if strings.Contains(msg, "-"+f.Name+" ") {
				return true
			}
		}
		return false
	}
	for _, f := range flags {
		getter, ok := f.Value.(flag.Getter)
		if !ok {
			continue
		}
		var mustRefuse map[string]bool
		switch getter.Get().(type) {
		case float64:
			mustRefuse = map[string]bool{"NaN": true, "Inf": true, "-Inf": true}
		case int:
			mustRefuse = map[string]bool{"-1": true}
		default:
			continue // -seed takes any uint64, -out any folder, bools true or false
		}
		for _, v := range []string{"0", "-1", "NaN", "Inf", "-Inf", "1e300", "1e12", "4611686018427387904"} {
			name := "-" + f.Name
			var stderr bytes.Buffer
			_, _, err := chapter.Parse(spec, []string{name, v}, &stderr, &stderr)
			switch {
			case err == nil && mustRefuse[v]:
				t.Errorf("%s %s %s: accepted", spec.Name, name, v)
			case err == nil:
			case strings.Contains(stderr.String(), "invalid value"):
				// Not a number of the flag's kind: flag's own message and usage.
			case strings.Contains(err.Error(), "\n"):
				t.Errorf("%s %s %s: a message of several lines: %q", spec.Name, name, v, err)
			case !namesAFlag(err.Error()):
				t.Errorf("%s %s %s: the message names no flag: %q", spec.Name, name, v, err)
			}
		}
	}
}

// cancelOnWrite cancels a context at the first write it receives: the
// first progress line of a run stands in for a Ctrl-C during training.
type cancelOnWrite struct {
	bytes.Buffer
	cancel context.CancelFunc
}

func (w *cancelOnWrite) Write(p []byte) (int, error) {
	w.cancel()
	return w.Buffer.Write(p)
}

// Interrupted runs the chapter with args and stops it as Ctrl-C would, at
// its first progress line, into a folder that holds an earlier run's
// files. It fails the test unless the program exits with status 130, its
// last line says where it stopped ("interrupted after step …"), and the
// folder holds no metrics.json, none of the earlier run's files and no
// temporary file.
func Interrupted(t testing.TB, spec chapter.Spec, args ...string) {
	t.Helper()
	dir := t.TempDir()
	old := filepath.Join(dir, "metrics.json")
	if err := os.WriteFile(old, []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range spec.Outputs {
		name := strings.ReplaceAll(p, "*", "00001")
		if err := os.WriteFile(filepath.Join(dir, name), []byte("an earlier run"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stderr := &cancelOnWrite{cancel: cancel}
	var stdout bytes.Buffer
	code := chapter.Run(ctx, spec, append([]string{"-out", dir}, args...), &stdout, stderr)
	if code != chapter.ExitInterrupted {
		t.Fatalf("%s %v: exit status %d, want %d; stderr:\n%s", spec.Name, args, code, chapter.ExitInterrupted, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if last := lines[len(lines)-1]; !strings.Contains(last, ": interrupted after step ") {
		t.Errorf("%s: last line %q does not say where the run stopped", spec.Name, last)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if b, _ := os.ReadFile(filepath.Join(dir, e.Name())); e.Name() == "metrics.json" || string(b) == "an earlier run" {
			t.Errorf("%s: %s is still there after an interrupted run", spec.Name, e.Name())
		}
	}
	NoTemporaryFiles(t, dir)
}
