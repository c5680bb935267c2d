package metrics

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0)) }

// panicCase is a call that must panic with an error wrapping kind, whose
// message is msg.
type panicCase struct {
	name string
	kind error
	msg  string
	f    func()
}

func runPanicCases(t *testing.T, cases []panicCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := recoverError(tc.f)
			require.Error(t, err, "expected a panic")
			assert.True(t, errors.Is(err, tc.kind), "errors.Is(%v, %v)", err, tc.kind)
			assert.Equal(t, tc.msg, err.Error())
		})
	}
}

// recoverError runs f and returns the error it panicked with, or nil.
func recoverError(f func()) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err, _ = v.(error)
		}
	}()
	f()
	return nil
}
