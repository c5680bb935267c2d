package data_test

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/gan/data"
)

// idxBytes builds an IDX file by hand: the magic 00 00 typ k, the sizes,
// then data.
func idxBytes(typ byte, dims []uint32, payload []byte) []byte {
	b := []byte{0, 0, typ, byte(len(dims))}
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, d)
	}
	return append(b, payload...)
}

// gzipped compresses b.
func gzipped(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write(b)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func TestIDXRoundTrip(t *testing.T) {
	cases := []*data.IDX{
		{Dims: []int{3}, Data: []byte{0, 7, 255}},
		{Dims: []int{2, 3, 2}, Data: []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
		{Dims: []int{1, 1, 1, 1}, Data: []byte{42}},
		{Dims: []int{4, 0, 5}, Data: []byte{}},
		{Dims: []int{1<<32 - 1, 1<<32 - 1, 0}, Data: []byte{}}, // a zero size: no overflow, no data
	}
	dir := t.TempDir()
	for i, x := range cases {
		var buf bytes.Buffer
		require.NoError(t, data.WriteIDX(&buf, x))
		dims := make([]uint32, len(x.Dims))
		for j, d := range x.Dims {
			dims[j] = uint32(d)
		}
		require.Equal(t, idxBytes(0x08, dims, x.Data), buf.Bytes(), "case %d: the bytes of the format", i)

		got, err := data.ReadIDX(bytes.NewReader(buf.Bytes()))
		require.NoError(t, err)
		assert.Equal(t, x.Dims, got.Dims)
		assert.Equal(t, x.Data, got.Data)

		got, err = data.ReadIDX(bytes.NewReader(gzipped(t, buf.Bytes())))
		require.NoError(t, err, "case %d gzipped", i)
		assert.Equal(t, x.Data, got.Data)

		for _, name := range []string{"plain-idx", "packed-idx.gz"} {
			path := filepath.Join(dir, name)
			require.NoError(t, data.WriteIDXFile(path, x))
			raw, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, filepath.Ext(name) == ".gz", bytes.HasPrefix(raw, []byte{0x1f, 0x8b}), "%s compressed by its name", name)
			got, err := data.ReadIDXFile(path)
			require.NoError(t, err)
			assert.Equal(t, x.Dims, got.Dims)
			assert.Equal(t, x.Data, got.Data)
		}
	}
}

// badIDXFiles are invalid IDX streams, each with the error it must give.
var badIDXFiles = []struct {
	name, want string
	file       []byte
}{
	{"empty", "magic number: the stream ends after 0 of 4 bytes", nil},
	{"short magic", "magic number: the stream ends after 3 of 4 bytes", []byte{0, 0, 8}},
	{"magic", "magic number starts 01 00, want 00 00", []byte{1, 0, 0x08, 1, 0, 0, 0, 1, 7}},
	{"float32", "element type 0x0d (float32) is not supported, only 0x08 (unsigned byte)",
		idxBytes(0x0D, []uint32{1}, []byte{0, 0, 0, 0})},
	{"unknown type", "element type 0x07 is not an IDX type", idxBytes(0x07, []uint32{1}, []byte{1})},
	{"no dimensions", "0 dimensions, want 1 to 4", idxBytes(0x08, nil, nil)},
	{"five dimensions", "5 dimensions, want 1 to 4", idxBytes(0x08, []uint32{1, 1, 1, 1, 1}, []byte{1})},
	{"short sizes", "sizes of 3 dimensions: the stream ends after 6 of 12 bytes",
		idxBytes(0x08, []uint32{60000, 28, 28}, nil)[:10]},
	{"overflow", "sizes [4294967295 4294967295 4294967295 4294967295]: the element count passes 2⁴⁰ at dimension 1",
		idxBytes(0x08, []uint32{1<<32 - 1, 1<<32 - 1, 1<<32 - 1, 1<<32 - 1}, nil)},
	{"MNIST header, 10 bytes of data", "data of sizes [60000 28 28]: the stream ends after 10 of 47040000 bytes",
		idxBytes(0x08, []uint32{60000, 28, 28}, make([]byte, 10))},
	{"one byte short", "data of sizes [2 3]: the stream ends after 5 of 6 bytes", idxBytes(0x08, []uint32{2, 3}, make([]byte, 5))},
	{"one byte too many", "bytes after the 6 bytes of data of sizes [2 3]", idxBytes(0x08, []uint32{2, 3}, make([]byte, 7))},
	{"gzip method", "corrupt gzip stream: gzip: invalid header", []byte{0x1f, 0x8b, 7, 0, 0, 0, 0, 0, 0, 0xff, 0}},
	{"gzip header cut", "corrupt gzip stream: unexpected EOF", []byte{0x1f, 0x8b, 8, 0, 0, 0}},
}

func TestReadIDXErrors(t *testing.T) {
	for _, tc := range badIDXFiles {
		t.Run(tc.name, func(t *testing.T) {
			_, err := data.ReadIDX(bytes.NewReader(tc.file))
			require.Error(t, err)
			assert.True(t, errors.Is(err, data.ErrIDX), "errors.Is(%v, ErrIDX)", err)
			assert.Equal(t, "data: read IDX: invalid IDX file: "+tc.want, err.Error())
		})
	}
}

func TestReadIDXGzipErrors(t *testing.T) {
	valid := gzipped(t, idxBytes(0x08, []uint32{2, 3}, []byte{1, 2, 3, 4, 5, 6}))
	truncated := valid[:len(valid)-6] // cut inside the CRC and length trailer
	badCRC := bytes.Clone(valid)
	badCRC[len(badCRC)-8] ^= 0xff // the CRC-32 is the trailer's first 4 bytes
	corrupt := bytes.Clone(valid)
	corrupt[12] ^= 0xff // inside the deflate stream
	cases := []struct {
		name string
		file []byte
	}{{"truncated", truncated}, {"checksum", badCRC}, {"corrupt", corrupt}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := data.ReadIDX(bytes.NewReader(tc.file))
			require.Error(t, err)
			assert.True(t, errors.Is(err, data.ErrIDX), "errors.Is(%v, ErrIDX)", err)
		})
	}
	truncatedInData := gzipped(t, idxBytes(0x08, []uint32{60000, 28, 28}, make([]byte, 1000)))
	_, err := data.ReadIDX(bytes.NewReader(truncatedInData))
	require.Error(t, err)
	assert.Equal(t, "data: read IDX: invalid IDX file: data of sizes [60000 28 28]: the stream ends after 1000 of 47040000 bytes", err.Error())
}

// TestReadIDXAllocatesWhatIsThere reads headers that claim 47 MB and
// 2⁴⁰ bytes followed by a few bytes, plain and gzipped: the reader must
// fail having allocated about what is there, not what is claimed.
func TestReadIDXAllocatesWhatIsThere(t *testing.T) {
	claims := [][]uint32{{60000, 28, 28}, {1 << 20, 1 << 20}}
	for _, dims := range claims {
		plain := idxBytes(0x08, dims, make([]byte, 100))
		for _, file := range [][]byte{plain, gzipped(t, plain)} {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := data.ReadIDX(bytes.NewReader(file))
			runtime.ReadMemStats(&after)
			require.ErrorIs(t, err, data.ErrIDX)
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20), "dims %v: allocated %d bytes", dims, after.TotalAlloc-before.TotalAlloc)
		}
	}
}

func TestReadIDXFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "short-idx1-ubyte")
	require.NoError(t, os.WriteFile(path, idxBytes(0x08, []uint32{10}, make([]byte, 4)), 0o644))
	_, err := data.ReadIDXFile(path)
	require.ErrorIs(t, err, data.ErrIDX)
	assert.Equal(t, "data: read IDX "+path+": invalid IDX file: sizes [10] need 10 bytes of data after the 8-byte header, the file has 4", err.Error())

	_, err = data.ReadIDXFile(filepath.Join(dir, "missing"))
	require.ErrorIs(t, err, os.ErrNotExist)
	assert.False(t, errors.Is(err, data.ErrIDX))
	assert.Contains(t, err.Error(), filepath.Join(dir, "missing"))

	gz := filepath.Join(dir, "bad.gz")
	require.NoError(t, os.WriteFile(gz, gzipped(t, idxBytes(0x08, []uint32{10}, make([]byte, 4))), 0o644))
	_, err = data.ReadIDXFile(gz)
	require.ErrorIs(t, err, data.ErrIDX)
	assert.Equal(t, "data: read IDX "+gz+": invalid IDX file: data of sizes [10]: the stream ends after 4 of 10 bytes", err.Error())
}

func TestWriteIDXErrors(t *testing.T) {
	cases := []struct {
		name, want string
		x          *data.IDX
	}{
		{"nil", "data: write IDX: nil IDX", nil},
		{"no dimensions", "data: write IDX: 0 dimensions, want 1 to 4", &data.IDX{}},
		{"five dimensions", "data: write IDX: 5 dimensions, want 1 to 4", &data.IDX{Dims: []int{1, 1, 1, 1, 1}, Data: []byte{1}}},
		{"negative size", "data: write IDX: size -1 of dimension 1 is outside 0..2³²−1", &data.IDX{Dims: []int{1, -1}}},
		{"size too large", "data: write IDX: size 4294967296 of dimension 0 is outside 0..2³²−1", &data.IDX{Dims: []int{1 << 32}}},
		{"overflow", "data: write IDX: sizes [2097152 2097152]: the element count passes 2⁴⁰ at dimension 1", &data.IDX{Dims: []int{1 << 21, 1 << 21}}},
		{"data length", "data: write IDX: 5 bytes of data for sizes [2 3], want 6", &data.IDX{Dims: []int{2, 3}, Data: make([]byte, 5)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := data.WriteIDX(&buf, tc.x)
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
			assert.Zero(t, buf.Len(), "nothing written")
		})
	}
}

func TestWriteIDXFileIsAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "labels-idx1-ubyte.gz")
	old := &data.IDX{Dims: []int{2}, Data: []byte{3, 4}}
	require.NoError(t, data.WriteIDXFile(path, old))
	before, err := os.ReadFile(path)
	require.NoError(t, err)

	err = data.WriteIDXFile(path, &data.IDX{Dims: []int{3}, Data: []byte{1}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), path)
	after, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, before, after, "a failed write leaves the old file")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file left behind")

	err = data.WriteIDXFile(filepath.Join(dir, "no-such-dir", "x-idx1-ubyte"), old)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no-such-dir")
}
