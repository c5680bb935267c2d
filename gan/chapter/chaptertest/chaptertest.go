// Package chaptertest runs chapter programs inside their tests: each
// chapter's main_test.go runs the real program with a few steps, the way a
// reader would run it, and checks what it wrote.
package chaptertest

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"ganbook/gan/chapter"
)

// Result is what a chapter run left behind.
type Result struct {
	Metrics map[string]float64 // metrics.json, with null read back as NaN
	JSON    []byte             // metrics.json as written
	Dir     string             // the output folder
}

// Run runs the chapter with args and -out set to a fresh temporary folder.
// It fails the test unless the program exits with status 0 and writes a
// valid metrics.json.
func Run(t testing.TB, spec chapter.Spec, args ...string) Result {
	t.Helper()
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	if code := chapter.Main(spec, append([]string{"-out", dir}, args...), &stdout, &stderr); code != 0 {
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
	return Result{Metrics: metrics, JSON: raw, Dir: dir}
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
// answer it with on stderr.
type BadValue struct {
	Args []string
	Want string
}

// BadFlags checks the chapter's answers to bad usage: an unknown flag
// prints usage and exits with status 2; each bad value exits with status 1
// and exactly its one line.
func BadFlags(t testing.TB, spec chapter.Spec, bad ...BadValue) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := chapter.Main(spec, []string{"-nonsense"}, &stdout, &stderr); code != 2 {
		t.Errorf("%s -nonsense: exit status %d, want 2", spec.Name, code)
	}
	if !bytes.Contains(stderr.Bytes(), []byte("Usage")) {
		t.Errorf("%s -nonsense: no usage on stderr: %q", spec.Name, stderr.String())
	}
	for _, b := range bad {
		stderr.Reset()
		args := append(append([]string(nil), b.Args...), "-out", t.TempDir())
		if code := chapter.Main(spec, args, &stdout, &stderr); code != 1 {
			t.Errorf("%s %v: exit status %d, want 1", spec.Name, b.Args, code)
		}
		if stderr.String() != b.Want {
			t.Errorf("%s %v: stderr %q, want %q", spec.Name, b.Args, stderr.String(), b.Want)
		}
	}
}
