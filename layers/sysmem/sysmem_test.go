package sysmem

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMeminfo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "meminfo")
	require.NoError(t, os.WriteFile(path, []byte("MemTotal:       24000000 kB\nMemAvailable:   2000 kB\n"), 0o644))
	v, ok := meminfo(path, "MemAvailable:")
	require.True(t, ok)
	assert.Equal(t, uint64(2000*1024), v)
	_, ok = meminfo(path, "SwapFree:")
	assert.False(t, ok)
}

func TestReadUint(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "n"), []byte("4096\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "max"), []byte("max\n"), 0o644))
	v, ok := readUint(filepath.Join(dir, "n"))
	assert.True(t, ok)
	assert.Equal(t, uint64(4096), v)
	_, ok = readUint(filepath.Join(dir, "max"))
	assert.False(t, ok, "no limit")
	_, ok = readUint(filepath.Join(dir, "absent"))
	assert.False(t, ok)
}

func TestAvailableOnLinux(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	v, ok := Available()
	require.True(t, ok)
	assert.Greater(t, v, uint64(1<<20), "a machine that runs these tests has more than 1 MiB free")
}

func TestFormat(t *testing.T) {
	for _, c := range []struct {
		bytes float64
		want  string
	}{{512, "512 B"}, {3.25 * (1 << 20), "3.2 MiB"}, {61 * (1 << 30), "61 GiB"}, {1 << 40, "1.0 TiB"}, {1e24, "867362 EiB"}} {
		assert.Equal(t, c.want, Format(c.bytes), "%g", c.bytes)
	}
}
