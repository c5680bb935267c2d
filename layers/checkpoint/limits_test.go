package checkpoint_test

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/layers/checkpoint"
	"ganbook/layers/sysmem"
	"ganbook/tensor"
)

// bytesAllocated returns how many bytes f allocates.
func bytesAllocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// A header may promise more data than the reader holds: Read must find out
// by reading, not by allocating what it was promised.
func TestReadAllocatesOnlyWhatIsThere(t *testing.T) {
	const claimed = 1 << 30 // 1 GiB of float64s, of which 3 values are there
	b := file(`{"w":{"dtype":"F64","shape":[134217728],"data_offsets":[0,1073741824]}}`, 1, 2, 3)
	size := int64(len(b)) - 24 + claimed
	var err error
	n := bytesAllocated(func() { _, _, err = checkpoint.Read(bytes.NewReader(b), size) })
	require.Error(t, err)
	assert.Equal(t, `checkpoint: read: invalid safetensors file: file ends in the data of tensor "w"`, err.Error())
	assert.Less(t, n, uint64(1<<20), "allocated %d bytes for 24 bytes of data", n)
}

// A sparse file may really be as large as its header says, without the
// disk or the memory to back it: the load stops before allocating.
func TestLoadFileRefusesTensorsLargerThanMemory(t *testing.T) {
	avail, ok := sysmem.Available()
	if !ok || avail >= 60<<30 {
		t.Skip("needs a machine with less than 60 GiB of memory available")
	}
	header := `{"w":{"dtype":"F64","shape":[8589934592],"data_offsets":[0,68719476736]}}`
	path := filepath.Join(t.TempDir(), "sparse.safetensors")
	f, err := os.Create(path)
	require.NoError(t, err)
	_, err = f.Write(file(header))
	require.NoError(t, err)
	require.NoError(t, f.Truncate(int64(8+len(header))+64<<30)) // 64 GiB of holes
	require.NoError(t, f.Close())
	var loadErr error
	n := bytesAllocated(func() { _, _, loadErr = checkpoint.LoadFile(path) })
	require.Error(t, loadErr)
	assert.True(t, strings.HasPrefix(loadErr.Error(), "checkpoint: load "+path+": the tensors take 64 GiB, more than the "), loadErr.Error())
	assert.False(t, errors.Is(loadErr, checkpoint.ErrFormat), "the file is valid, the machine too small")
	assert.Less(t, n, uint64(1<<20))
}

// A checkpoint whose weights or optimizer state hold NaN or ±Inf is the
// checkpoint of a diverged run: Load refuses it, naming the tensor, and
// changes nothing.
func TestLoadRejectsNonFiniteTensors(t *testing.T) {
	for _, c := range []struct {
		name  string
		value float64
		msg   string
	}{
		{"G.0.weight", math.NaN(), `tensor "G.0.weight" holds NaN at index 4`},
		{"D.1.running_var", math.Inf(1), `tensor "D.1.running_var" holds +Inf at index 4`},
		{"optG.rmsprop.s.0", math.Inf(-1), `tensor "optG.rmsprop.s.0" holds -Inf at index 4`},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "gan.safetensors")
			require.NoError(t, checkpoint.Save(path, ganState(1)))
			rewrite(t, path, func(ts map[string]*tensor.Tensor, _ map[string]string) {
				ts[c.name].Data()[4] = c.value
			})
			s := ganState(9)
			before := snapshot(s)
			err := checkpoint.Load(path, s)
			require.Error(t, err)
			assert.Equal(t, "checkpoint: load "+path+": "+c.msg+": the checkpoint of a diverged run", err.Error())
			assert.Equal(t, before, snapshot(s))
		})
	}
}

// FuzzReadShortData gives Read a stream shorter than the size it announces.
// Whatever the bytes, Read must not panic, and must fail with ErrFormat:
// the bytes it was promised are not all there.
//
//	go test ./layers/checkpoint -run '^$' -fuzz FuzzReadShortData -fuzztime 10m
func FuzzReadShortData(f *testing.F) {
	f.Add(file(`{"w":{"dtype":"F64","shape":[134217728],"data_offsets":[0,1073741824]}}`, 1, 2, 3), uint32(1<<30))
	f.Add(encode(f, map[string]*tensor.Tensor{"a": tensor.New([]float64{1, -2}, 2)}, nil), uint32(1))
	for _, c := range badFiles {
		f.Add(c.file, uint32(8))
	}
	f.Fuzz(func(t *testing.T, b []byte, missing uint32) {
		if missing == 0 {
			missing = 1
		}
		_, _, err := checkpoint.Read(bytes.NewReader(b), int64(len(b))+int64(missing))
		require.Error(t, err)
		require.True(t, errors.Is(err, checkpoint.ErrFormat), err.Error())
	})
}
