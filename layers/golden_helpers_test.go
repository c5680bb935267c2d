package layers_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/tensor"
)

// ---- Values computed by PyTorch ---------------------------------------------------
//
// The files in testdata/ were written once by the gen_*.py scripts beside
// them, with PyTorch in float64; CI does not run PyTorch. Each script
// writes its inputs as well as the expected outputs, so the tests build
// the same modules from the file.

// torchTol bounds the difference to PyTorch: both compute in float64, and
// only the order of the sums differs.
const torchTol = 1e-12

// readGolden decodes testdata/name into v.
func readGolden(t *testing.T, name string, v any) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, v))
}

// tensorOf copies data into a new tensor of the given shape.
func tensorOf(data []float64, shape ...int) *tensor.Tensor {
	return tensor.New(append([]float64(nil), data...), shape...)
}

// assertClose checks the length of got, then its values within tol.
func assertClose(t *testing.T, want []float64, got *tensor.Tensor, tol float64, msg string) {
	t.Helper()
	require.Len(t, got.Data(), len(want), msg)
	assert.InDeltaSlice(t, want, got.Data(), tol, msg)
}
