// Package atomicfile writes files so that a reader never sees half of one.
//
// The bytes go to a temporary file in the destination's folder, which is
// synced to disk and then renamed over the destination. A rename within one
// file system is atomic, so a crash or an error midway leaves the previous
// file (or no file) in place, never a truncated one.
package atomicfile

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Write creates or replaces path with what write produces. If write returns
// an error, or any step of the file handling fails, the temporary file is
// removed, path is left untouched, and the error says which file and what
// went wrong. If write panics, the temporary file is removed too and the
// panic goes on.
func Write(path string, write func(w io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	done := false // renamed into place: nothing to remove
	defer func() {
		if !done { // an error, or a panic on its way up
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = write(tmp); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: sync: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("write %s: close: %w", path, err)
	}
	if err = os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: chmod: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: rename: %w", path, err)
	}
	done = true
	return nil
}

// WriteFile is Write for a byte slice that is already in memory.
func WriteFile(path string, data []byte) error {
	return Write(path, func(w io.Writer) error {
		_, err := io.Copy(w, bytes.NewReader(data))
		return err
	})
}
