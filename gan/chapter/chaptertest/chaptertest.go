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
