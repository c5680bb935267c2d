package plot

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/tensor"
)

// assertArgumentPanic checks that f panics with an error wrapping
// tensor.ErrArgument, and, unless msg is empty, that its message is msg.
func assertArgumentPanic(t *testing.T, msg string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		err, ok := recover().(error)
		require.True(t, ok, "the panic value is not an error")
		assert.ErrorIs(t, err, tensor.ErrArgument)
		if msg != "" {
			assert.EqualError(t, err, msg)
		}
	}()
	f()
	t.Error("no panic")
}
