package chapter

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/tensor"
)

// testSpec is a chapter that records its Env, writes a picture and
// metrics.json; its step function, if set, runs in between.
func testSpec(ran *Env, extra *int, step func(Env) error) Spec {
	return Spec{
		Name:     "99-test",
		Defaults: Flags{Seed: 7, Steps: 10},
		Outputs:  []string{"picture.svg", "snap_*.svg"},
		Setup: func(fs *FlagSet) func(Env) error {
			n := 3
			rate := 0.5
			fs.Int(&n, "n", n, "a chapter flag", 1)
			fs.Float(&rate, "rate", rate, "a rate", Positive)
			fs.Memory(func(f Flags) []Need {
				return []Need{{What: fmt.Sprintf("the table (-n %d)", n), Bytes: float64(n) * 8}}
			})
			return func(env Env) error {
				*ran = env
				*extra = n
				if step != nil {
					if err := step(env); err != nil {
						return err
					}
				}
				if err := env.SavePictures(Picture{Name: "picture.svg", Save: func(path string) error {
					return os.WriteFile(path, []byte("<svg/>"), 0o644)
				}}); err != nil {
					return err
				}
				var m Metrics
				m.Set("n", float64(n))
				return env.WriteJSON(&m)
			}
		},
	}
}

func run(spec Spec, args ...string) (int, string) {
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), spec, args, &stdout, &stderr)
	return code, stderr.String()
}

func TestMainParsesFlagsAndRuns(t *testing.T) {
	var env Env
	var n int
	out := filepath.Join(t.TempDir(), "a", "b")
	code, stderr := run(testSpec(&env, &n, nil), "-steps", "5", "-n", "9", "-out", out)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, uint64(7), env.Seed)
	assert.Equal(t, 5, env.Steps)
	assert.Equal(t, 9, n)
	assert.FileExists(t, filepath.Join(out, "metrics.json"))

	// Each call starts from the defaults again.
	code, _ = run(testSpec(&env, &n, nil), "-out", out)
	require.Equal(t, 0, code)
	assert.Equal(t, 3, n)
	assert.Equal(t, 10, env.Steps)

	// Whole numbers may be written with an exponent.
	code, _ = run(testSpec(&env, &n, nil), "-out", out, "-steps", "1e3")
	require.Equal(t, 0, code)
	assert.Equal(t, 1000, env.Steps)
}

func TestMainBadUsage(t *testing.T) {
	var env Env
	var n int
	spec := testSpec(&env, &n, nil)
	code, stderr := run(spec, "-bogus")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "flag provided but not defined: -bogus")
	assert.Contains(t, stderr, "Usage of 99-test")

	code, _ = run(spec, "extra")
	assert.Equal(t, 2, code)
	code, stderr = run(spec, "-steps", "1.5")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, `invalid value "1.5" for flag -steps: "1.5" is not a whole number`)
	code, stderr = run(spec, "-steps", "1e300")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, `invalid value "1e300" for flag -steps: 1e300 is out of range`)
}

// Every bad value gets one line naming the flag and the value, exit status
// 1, and no output folder.
func TestMainBadValues(t *testing.T) {
	var env Env
	var n int
	spec := testSpec(&env, &n, nil)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-steps", "-3"}, "99-test: -steps must be at least 1, got -3\n"},
		{[]string{"-n", "0"}, "99-test: -n must be at least 1, got 0\n"},
		{[]string{"-rate", "NaN"}, "99-test: -rate must be positive and finite, got NaN\n"},
		{[]string{"-rate", "Inf"}, "99-test: -rate must be positive and finite, got +Inf\n"},
		{[]string{"-rate", "0"}, "99-test: -rate must be positive and finite, got 0\n"},
		{[]string{"-n", "4611686018427387904"}, "99-test: these flags need about 32 EiB of memory and …"},
	} {
		out := filepath.Join(t.TempDir(), "out")
		code, stderr := run(spec, append(c.args, "-out", out)...)
		assert.Equal(t, 1, code, "%v", c.args)
		if prefix, ok := strings.CutSuffix(c.want, "…"); ok {
			assert.True(t, strings.HasPrefix(stderr, prefix), "%v: %q", c.args, stderr)
			assert.Contains(t, stderr, "the largest part is the table (-n 4611686018427387904): 32 EiB")
		} else {
			assert.Equal(t, c.want, stderr, "%v", c.args)
		}
		assert.NoDirExists(t, out, "%v: nothing is created for a rejected run", c.args)
	}
}

func TestMainChecksTheOutputFolderFirst(t *testing.T) {
	var env Env
	var n int
	ran := false
	spec := testSpec(&env, &n, func(Env) error { ran = true; return nil })

	code, stderr := run(spec, "-out", "")
	assert.Equal(t, 1, code)
	assert.Equal(t, "99-test: -out must name a folder, got \"\"\n", stderr)

	// A file stands in the way of the folder.
	blocker := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(blocker, nil, 0o644))
	code, stderr = run(spec, "-out", filepath.Join(blocker, "sub"))
	assert.Equal(t, 1, code)
	assert.Equal(t, "99-test: -out "+filepath.Join(blocker, "sub")+": cannot create the folder: not a directory\n", stderr)

	// A folder that exists but takes no files.
	if os.Getuid() != 0 { // root writes anywhere on a normal file system
		locked := t.TempDir()
		require.NoError(t, os.Chmod(locked, 0o500))
		code, stderr = run(spec, "-out", locked)
		assert.Equal(t, 1, code)
		assert.Contains(t, stderr, "cannot write in the folder: permission denied")
	}
	if _, err := os.Stat("/proc/self"); err == nil {
		code, stderr = run(spec, "-out", "/proc/self")
		assert.Equal(t, 1, code)
		assert.True(t, strings.HasPrefix(stderr, "99-test: -out /proc/self: cannot write in the folder: "), stderr)
	}
	assert.False(t, ran, "nothing ran")
}

// A rerun into a folder removes what the chapter wrote there before, and
// only that; metrics.json appears last.
func TestMainReplacesAnEarlierRun(t *testing.T) {
	var env Env
	var n int
	out := t.TempDir()
	for name, content := range map[string]string{
		"metrics.json": "{}", "snap_00100.svg": "old", "picture.svg": "old",
		".picture.svg.tmp-123": "half", "notes.txt": "mine", "other.svg": "mine",
	} {
		require.NoError(t, os.WriteFile(filepath.Join(out, name), []byte(content), 0o644))
	}
	var during []string
	spec := testSpec(&env, &n, func(env Env) error {
		entries, _ := os.ReadDir(env.Out)
		for _, e := range entries {
			during = append(during, e.Name())
		}
		return nil
	})
	code, stderr := run(spec, "-out", out)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, []string{"notes.txt", "other.svg"}, during, "the earlier run's files are gone before the run")
	entries, err := os.ReadDir(out)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.Equal(t, []string{"metrics.json", "notes.txt", "other.svg", "picture.svg"}, names)

	// Writing a picture after metrics.json, or one not declared, is a bug.
	e := Env{Flags: Flags{Out: out}, out: &outputs{patterns: []string{"a.svg"}, finished: true}}
	assertArgumentPanic(t, `chapter: Env.Path: bad argument "a.svg" after metrics.json, which must be written last`, func() { e.Path("a.svg") })
	e.out.finished = false
	assertArgumentPanic(t, `chapter: Env.Path: bad argument "b.svg" matches none of the Spec's Outputs ["a.svg"]`, func() { e.Path("b.svg") })
}

// assertArgumentPanic checks that f panics with an error wrapping
// tensor.ErrArgument whose message is msg.
func assertArgumentPanic(t *testing.T, msg string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		err, ok := recover().(error)
		require.True(t, ok, "the panic value is not an error")
		assert.ErrorIs(t, err, tensor.ErrArgument)
		assert.EqualError(t, err, msg)
	}()
	f()
	t.Error("no panic")
}

// Ctrl-C (a cancelled context) stops the run: exit status 130, one line
// saying so, no temporary file and no metrics.json.
func TestMainInterrupted(t *testing.T) {
	var env Env
	var n int
	out := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	spec := testSpec(&env, &n, func(env Env) error {
		// A half-written file, as an atomic write leaves it when stopped.
		require.NoError(t, os.WriteFile(filepath.Join(env.Out, ".picture.svg.tmp-42"), nil, 0o644))
		cancel()
		return nil
	})
	var stdout, stderr bytes.Buffer
	code := Run(ctx, spec, []string{"-out", out}, &stdout, &stderr)
	assert.Equal(t, ExitInterrupted, code)
	assert.Equal(t, "99-test: interrupted while writing the pictures, after 0 of 1: context canceled; "+out+
		" holds no metrics.json: this run is incomplete\n", stderr.String())
	entries, err := os.ReadDir(out)
	require.NoError(t, err)
	assert.Empty(t, entries)
}

func TestFitMemory(t *testing.T) {
	needs := []Need{{What: "weights (-hidden 9)", Bytes: 3 << 30}, {What: "activations", Bytes: 1 << 30}}
	assert.NoError(t, fitMemory(needs, 4<<30))
	assert.EqualError(t, fitMemory(needs, 2<<30),
		"these flags need about 4.0 GiB of memory and 2.0 GiB is available; the largest part is weights (-hidden 9): 3.0 GiB")
}

func TestListFlags(t *testing.T) {
	var env Env
	var n int
	var names []string
	for _, f := range List(testSpec(&env, &n, nil)) {
		names = append(names, f.Name)
	}
	assert.Equal(t, []string{"cpuprofile", "n", "out", "rate", "seed", "steps"}, names)
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
	env := Env{Flags: Flags{Out: t.TempDir()}, out: &outputs{}}
	var m Metrics
	m.Set("x", 1)
	require.NoError(t, env.WriteJSON(&m))
	entries, err := os.ReadDir(env.Out)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file is left behind")
	assert.Equal(t, "metrics.json", entries[0].Name())
}

// With -serve, the chapter's body does not run and -out is left as it is
// (an earlier run's files stay); the server function gets the address, and
// a bad address is refused before anything happens.
func TestServeRunsInsteadOfTheChapter(t *testing.T) {
	out := t.TempDir()
	old := filepath.Join(out, "picture.svg")
	require.NoError(t, os.WriteFile(old, []byte("earlier run"), 0o644))
	var served string
	spec := Spec{
		Name:     "99-serve",
		Defaults: Flags{Seed: 1, Steps: 10},
		Outputs:  []string{"picture.svg"},
		Setup: func(fs *FlagSet) func(Env) error {
			fs.Serve("serve live", func(addr string, env Env) error {
				served = addr
				return context.Canceled // as when Ctrl-C ends the server
			})
			return func(Env) error { t.Fatal("the chapter ran"); return nil }
		},
	}
	code, stderr := run(spec, "-serve", "localhost:0", "-out", out)
	assert.Equal(t, ExitOK, code, stderr)
	assert.Equal(t, "localhost:0", served)
	data, err := os.ReadFile(old)
	require.NoError(t, err)
	assert.Equal(t, "earlier run", string(data), "-serve touched -out")

	served = ""
	code, stderr = run(spec, "-serve", "8080", "-out", out)
	assert.Equal(t, ExitFailed, code)
	assert.Contains(t, stderr, `-serve must be host:port, such as localhost:8080, got "8080"`)
	assert.Empty(t, served)
}

// -cpuprofile writes the run's CPU profile (gzip-compressed protocol
// buffers, what go tool pprof reads) and leaves no temporary file; a
// profile that could not be written is refused before anything runs.
func TestCPUProfile(t *testing.T) {
	var env Env
	var n int
	ran := false
	spec := testSpec(&env, &n, func(Env) error { ran = true; return nil })
	dir := t.TempDir()
	profile := filepath.Join(dir, "cpu.prof")
	code, stderr := run(spec, "-out", filepath.Join(dir, "out"), "-cpuprofile", profile)
	require.Equal(t, 0, code, stderr)
	data, err := os.ReadFile(profile)
	require.NoError(t, err)
	require.Greater(t, len(data), 2)
	assert.Equal(t, []byte{0x1f, 0x8b}, data[:2], "gzip")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.Equal(t, []string{"cpu.prof", "out"}, names)

	ran = false
	missing := filepath.Join(dir, "no-such-folder", "cpu.prof")
	out := filepath.Join(dir, "out2")
	code, stderr = run(spec, "-out", out, "-cpuprofile", missing)
	assert.Equal(t, 1, code)
	assert.True(t, strings.HasPrefix(stderr, "99-test: -cpuprofile "+missing+": cannot write in the folder: "), stderr)
	assert.False(t, ran, "nothing ran")
	assert.NoDirExists(t, out, "nothing is created for a rejected run")
}
