package data_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"ganbook/gan/data"
)

// FuzzReadIDX feeds ReadIDX arbitrary bytes. Whatever the input, ReadIDX
// must not panic and must fail only with ErrIDX (the bytes are all there).
// When it succeeds, len(Data) must be the product of Dims, and writing the
// result must give back the input exactly when it was plain IDX (a plain
// file has one encoding) or its decompressed content when it was gzipped,
// which reads back to the same value.
//
//	go test ./gan/data -run '^$' -fuzz FuzzReadIDX -fuzztime 10m -parallel 1
func FuzzReadIDX(f *testing.F) {
	valid := [][]byte{
		idxBytes(0x08, []uint32{3}, []byte{0, 7, 255}),
		idxBytes(0x08, []uint32{2, 2, 3}, []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}),
		idxBytes(0x08, []uint32{1, 1, 1, 1}, []byte{9}),
		idxBytes(0x08, []uint32{2, 0}, nil),
	}
	for _, v := range valid {
		f.Add(v)
		f.Add(v[:len(v)-1]) // truncated
		f.Add(append(bytes.Clone(v), 0))
		f.Add(gzipped(f, v))
		z := gzipped(f, v)
		f.Add(z[:len(z)-3]) // cut in the gzip trailer
	}
	for _, c := range badIDXFiles {
		f.Add(c.file)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		x, err := data.ReadIDX(bytes.NewReader(b))
		if err != nil {
			require.True(t, errors.Is(err, data.ErrIDX), err.Error())
			return
		}
		total := 1
		for _, d := range x.Dims {
			total *= d
		}
		require.Len(t, x.Data, total)
		var out bytes.Buffer
		require.NoError(t, data.WriteIDX(&out, x))
		if len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b {
			again, err := data.ReadIDX(bytes.NewReader(out.Bytes()))
			require.NoError(t, err)
			require.Equal(t, x, again)
			return
		}
		require.Equal(t, b, out.Bytes())
	})
}
