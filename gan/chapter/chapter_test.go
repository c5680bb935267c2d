package chapter

import (
	"bytes"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func testSpec(ran *Env, extra *int) Spec {
	return Spec{
		Name:     "99-test",
		Defaults: Flags{Seed: 7, Steps: 10},
		Setup: func(fs *flag.FlagSet) func(Env) error {
			n := 3
			fs.IntVar(&n, "n", n, "a chapter flag")
			return func(env Env) error {
				*ran = env
				*extra = n
				return nil
			}
		},
	}
}

func TestMainParsesFlagsAndRuns(t *testing.T) {
	var env Env
	var n int
	out := filepath.Join(t.TempDir(), "a", "b")
	var stdout, stderr bytes.Buffer
	code := Main(testSpec(&env, &n), []string{"-steps", "5", "-n", "9", "-out", out}, &stdout, &stderr)
	require.Equal(t, 0, code, stderr.String())
	assert.Equal(t, uint64(7), env.Seed)
	assert.Equal(t, 5, env.Steps)
	assert.Equal(t, 9, n)
	assert.DirExists(t, out, "the output folder is created")

	// Each call starts from the defaults again.
	code = Main(testSpec(&env, &n), []string{"-out", out}, &stdout, &stderr)
	require.Equal(t, 0, code)
	assert.Equal(t, 3, n)
	assert.Equal(t, 10, env.Steps)
}

func TestMainBadUsage(t *testing.T) {
	var env Env
	var n int
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 2, Main(testSpec(&env, &n), []string{"-bogus"}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "flag provided but not defined: -bogus")
	assert.Contains(t, stderr.String(), "Usage of 99-test")

	stderr.Reset()
	assert.Equal(t, 2, Main(testSpec(&env, &n), []string{"extra"}, &stdout, &stderr))

	stderr.Reset()
	assert.Equal(t, 1, Main(testSpec(&env, &n), []string{"-steps", "-3"}, &stdout, &stderr))
	assert.Equal(t, "99-test: -steps must be at least 1, got -3\n", stderr.String())

	// An output folder that cannot be created: a file stands in the way.
	blocker := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(blocker, nil, 0o644))
	stderr.Reset()
	assert.Equal(t, 1, Main(testSpec(&env, &n), []string{"-out", filepath.Join(blocker, "sub")}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "99-test: cannot create output folder:")
}

func TestMetricsJSONKeepsOrderAndWritesNull(t *testing.T) {
	var m Metrics
	m.Set("b", 2.5)
	m.Set("a", math.NaN())
	m.Set("c", 1e-12)
	m.Set("b", 3) // replaces, keeps position
	assert.Equal(t, "{\n  \"b\": 3,\n  \"a\": null,\n  \"c\": 1e-12\n}\n", string(m.JSON()))
	var decoded map[string]any
	require.NoError(t, json.Unmarshal(m.JSON(), &decoded))
	assert.Nil(t, decoded["a"])
	assert.Equal(t, []string{"b", "a", "c"}, m.Names())
}

func TestPrintTable(t *testing.T) {
	var m Metrics
	m.Set("modes", 25)
	m.Set("w1_end", 0.123456)
	m.Set("tiny", 2e-7)
	var b bytes.Buffer
	PrintTable(&b, "title", &m)
	assert.Equal(t, "title\n--------------------\nmodes             25\nw1_end        0.1235\ntiny       2.000e-07\n", b.String())
}

func TestWriteJSONIsAtomic(t *testing.T) {
	env := Env{Flags: Flags{Out: t.TempDir()}}
	var m Metrics
	m.Set("x", 1)
	require.NoError(t, env.WriteJSON(&m))
	entries, err := os.ReadDir(env.Out)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file is left behind")
	assert.Equal(t, "metrics.json", entries[0].Name())
}
