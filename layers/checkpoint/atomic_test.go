package checkpoint

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/tensor"
)

// failingWriter passes the first n bytes on and then fails, as a full disk
// would.
type failingWriter struct {
	w io.Writer
	n int
}

var errDiskFull = errors.New("disk full (simulated)")

func (f *failingWriter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		k, _ := f.w.Write(p[:f.n])
		f.n = 0
		return k, errDiskFull
	}
	f.n -= len(p)
	return f.w.Write(p)
}

// A save that fails halfway through the data leaves the previous file as it
// was and no temporary file behind.
func TestSaveFileFailingHalfwayKeepsThePreviousFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "run.safetensors")
	require.NoError(t, SaveFile(path, map[string]*tensor.Tensor{"w": tensor.Arange(4)}, map[string]string{"step": "1"}))
	before, err := os.ReadFile(path)
	require.NoError(t, err)

	// 200,000 values = 1.6 MB, written in 64 KiB chunks: the failure comes
	// after the first chunk has reached the temporary file.
	testHookWriter = func(w io.Writer) io.Writer { return &failingWriter{w: w, n: 100_000} }
	defer func() { testHookWriter = nil }()
	err = SaveFile(path, map[string]*tensor.Tensor{"w": tensor.Zeros(200_000)}, map[string]string{"step": "2"})
	require.Error(t, err)
	assert.True(t, errors.Is(err, errDiskFull))
	assert.Contains(t, err.Error(), path)

	after, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, before, after)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file is left")
	assert.Equal(t, "run.safetensors", entries[0].Name())
}

// A tensor map that cannot be written fails before any file is created.
func TestSaveFileInvalidTensorsTouchNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "run.safetensors")
	require.NoError(t, SaveFile(path, map[string]*tensor.Tensor{"w": tensor.Arange(4)}, nil))
	before, err := os.ReadFile(path)
	require.NoError(t, err)

	err = SaveFile(path, map[string]*tensor.Tensor{"w": tensor.Arange(4), "b": nil}, nil)
	require.Error(t, err)
	assert.Equal(t, "checkpoint: save "+path+`: tensor "b" is nil`, err.Error())
	after, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, before, after)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1)
}
