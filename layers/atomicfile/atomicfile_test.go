package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteFileCreatesAndReplaces(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.json")
	require.NoError(t, WriteFile(path, []byte("first")))
	require.NoError(t, WriteFile(path, []byte("second")))
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "second", string(got))
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), info.Mode().Perm())
}

// A write that fails halfway leaves the old file as it was, and no
// temporary file behind.
func TestFailedWriteLosesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "metrics.json")
	require.NoError(t, WriteFile(path, []byte("old content")))
	boom := errors.New("disk on fire")
	err := Write(path, func(w io.Writer) error {
		if _, err := w.Write([]byte("half of the new")); err != nil {
			return err
		}
		return boom
	})
	require.ErrorIs(t, err, boom)
	assert.Contains(t, err.Error(), "write "+path)
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "old content", string(got))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1)
}

// An encoder that panics leaves the old file and no temporary file, and
// the panic reaches the caller unchanged.
func TestPanickingWriteLosesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "picture.png")
	require.NoError(t, WriteFile(path, []byte("old content")))
	assert.PanicsWithValue(t, "encoder bug", func() {
		Write(path, func(w io.Writer) error {
			w.Write([]byte("half of the new"))
			panic("encoder bug")
		})
	})
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "old content", string(got))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1)
	assert.Equal(t, "picture.png", entries[0].Name())
}

func TestWriteIntoMissingFolderFails(t *testing.T) {
	err := WriteFile(filepath.Join(t.TempDir(), "no", "such", "x"), []byte("y"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no such file or directory")
}
