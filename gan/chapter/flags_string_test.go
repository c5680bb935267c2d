package chapter

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

// A string flag's check runs with the other checks, before the output
// folder is touched, and its refusal names the flag and the value.
func TestStringFlagIsChecked(t *testing.T) {
	var got string
	checked := 0
	spec := Spec{
		Name:     "99-string",
		Defaults: Flags{Seed: 1, Steps: 1},
		Setup: func(fs *FlagSet) func(Env) error {
			fs.String(&got, "data", "", "a folder", func(v string) error {
				checked++
				if v == "bad" {
					return errors.New("no such folder")
				}
				return nil
			})
			return func(env Env) error { return env.WriteJSON(&Metrics{}) }
		},
	}
	out := t.TempDir() + "/out"
	code, stderr := run(spec, "-data", "bad", "-out", out)
	assert.Equal(t, ExitFailed, code)
	assert.Equal(t, "99-string: -data bad: no such folder\n", stderr)
	assert.NoDirExists(t, out)
	code, _ = run(spec, "-data", "good", "-out", out)
	assert.Equal(t, ExitOK, code)
	assert.Equal(t, "good", got)
	assert.Equal(t, 2, checked)
}

// A rule between two flags runs with the flags' own checks, before the
// output folder is touched.
func TestCheckRunsBeforeAnything(t *testing.T) {
	spec := Spec{
		Name:     "99-check",
		Defaults: Flags{Seed: 1, Steps: 1},
		Setup: func(fs *FlagSet) func(Env) error {
			lo, hi := 1, 2
			fs.Int(&lo, "lo", lo, "", 1)
			fs.Int(&hi, "hi", hi, "", 1)
			fs.Check(func() error {
				if lo > hi {
					return fmt.Errorf("-lo %d is above -hi %d", lo, hi)
				}
				return nil
			})
			return func(env Env) error { return env.WriteJSON(&Metrics{}) }
		},
	}
	out := t.TempDir() + "/out"
	code, stderr := run(spec, "-lo", "3", "-out", out)
	assert.Equal(t, ExitFailed, code)
	assert.Equal(t, "99-check: -lo 3 is above -hi 2\n", stderr)
	assert.NoDirExists(t, out)
	code, stderr = run(spec, "-lo", "0", "-out", out)
	assert.Equal(t, "99-check: -lo must be at least 1, got 0\n", stderr, "a flag's own check comes first")
	assert.Equal(t, ExitFailed, code)
}
