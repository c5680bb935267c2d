package digitnet

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/layers/checkpoint"
)

// A broken embedded file makes Load and Metadata panic with an error that
// keeps Decode's chain: errors.Is still finds checkpoint.ErrFormat.
func TestBrokenEmbeddedFilePanicsWithTheCause(t *testing.T) {
	saved := embedded
	defer func() { embedded = saved }()
	embedded = []byte("not safetensors")
	for name, f := range map[string]func(){"Load": func() { Load() }, "Metadata": func() { Metadata() }} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				err, ok := recover().(error)
				require.True(t, ok, "the panic value is not an error")
				assert.True(t, errors.Is(err, checkpoint.ErrFormat), err.Error())
				assert.Contains(t, err.Error(), "digitnet: the embedded weights.safetensors: ")
			}()
			f()
			t.Error("no panic")
		})
	}
}
