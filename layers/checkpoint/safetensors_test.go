package checkpoint_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/layers/checkpoint"
	"ganbook/tensor"
)

// encode writes tensors and metadata to memory.
func encode(t testing.TB, tensors map[string]*tensor.Tensor, metadata map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, checkpoint.Write(&buf, tensors, metadata))
	return buf.Bytes()
}

// decode reads a whole file from memory.
func decode(b []byte) (map[string]*tensor.Tensor, map[string]string, error) {
	return checkpoint.Read(bytes.NewReader(b), int64(len(b)))
}

// bits returns the exact bit patterns of a tensor's values, so that
// comparisons tell −0 from +0 and one NaN from another.
func bits(t *tensor.Tensor) []uint64 {
	out := make([]uint64, t.Len())
	for i, x := range t.Data() {
		out[i] = math.Float64bits(x)
	}
	return out
}

// requireSameTensors checks names, shapes and bit patterns.
func requireSameTensors(t testing.TB, want, got map[string]*tensor.Tensor) {
	t.Helper()
	require.Len(t, got, len(want))
	for name, w := range want {
		g, ok := got[name]
		require.True(t, ok, "tensor %q missing", name)
		require.Equal(t, w.Shape(), g.Shape(), name)
		require.Equal(t, bits(w), bits(g), name)
	}
}

// specialValues holds the float64s a careless encoder gets wrong.
var specialValues = []uint64{
	0x0000000000000000, // +0
	0x8000000000000000, // −0
	0x7FF0000000000000, // +Inf
	0xFFF0000000000000, // −Inf
	0x7FF8000000000000, // the usual quiet NaN
	0xFFF8000000000123, // a negative quiet NaN with a payload
	0x7FF0000000000001, // a signalling NaN
	0x0000000000000001, // the smallest subnormal, 4.9e-324
	0x000FFFFFFFFFFFFF, // the largest subnormal
	0x0010000000000000, // the smallest normal
	0x7FEFFFFFFFFFFFFF, // the largest finite value
	0x3FB999999999999A, // 0.1
}

func fromBits(bs []uint64, shape ...int) *tensor.Tensor {
	data := make([]float64, len(bs))
	for i, b := range bs {
		data[i] = math.Float64frombits(b)
	}
	return tensor.New(data, shape...)
}

func TestRoundTripIsBitExact(t *testing.T) {
	tensors := map[string]*tensor.Tensor{
		"special":        fromBits(specialValues, 3, 4),
		"scalar":         tensor.Scalar(-1.5),
		"empty":          tensor.Zeros(0),
		"empty inside":   tensor.Zeros(2, 0, 3),
		"ones 4-D":       tensor.Ones(1, 1, 1, 1),
		"G.0.weight":     tensor.New([]float64{1, 2, 3, 4, 5, 6}, 2, 3),
		"ünïcödé λ":      tensor.Scalar(math.Pi),
		`needs "escape"`: tensor.Scalar(math.E),
	}
	metadata := map[string]string{
		"step":        "1000",
		"quote\"":     "back\\slash\nnew line\ttab",
		"html":        "<a href=\"x\">&amp;</a>",
		"unicode ∑":   "θ ← θ − η∇L",
		"":            "empty key",
		"empty val":   "",
		"control\x01": "\x00",
	}
	got, gotMeta, err := decode(encode(t, tensors, metadata))
	require.NoError(t, err)
	requireSameTensors(t, tensors, got)
	assert.Equal(t, metadata, gotMeta)
}

func TestReadWithoutMetadataGivesEmptyMap(t *testing.T) {
	_, meta, err := decode(encode(t, map[string]*tensor.Tensor{"a": tensor.Scalar(1)}, nil))
	require.NoError(t, err)
	assert.NotNil(t, meta)
	assert.Empty(t, meta)
}

// The bytes of a tiny file, written out by hand from the format: the
// header {"a":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}} is 55
// bytes, padded with one space to 56 = 0x38; then 1.0 = 0x3FF0000000000000
// and −2.0 = 0xC000000000000000, least significant byte first.
func TestWriteMatchesTheFormatByteForByte(t *testing.T) {
	cases := []struct {
		name     string
		metadata map[string]string
		want     []byte
	}{
		{"no metadata", nil, concat(
			[]byte{0x38, 0, 0, 0, 0, 0, 0, 0},
			[]byte(`{"a":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}} `),
			[]byte{0, 0, 0, 0, 0, 0, 0xF0, 0x3F},
			[]byte{0, 0, 0, 0, 0, 0, 0, 0xC0},
		)},
		// 83 bytes of header, padded with 5 spaces to 88 = 0x58.
		{"metadata", map[string]string{"step": "7"}, concat(
			[]byte{0x58, 0, 0, 0, 0, 0, 0, 0},
			[]byte(`{"__metadata__":{"step":"7"},"a":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}     `),
			[]byte{0, 0, 0, 0, 0, 0, 0xF0, 0x3F},
			[]byte{0, 0, 0, 0, 0, 0, 0, 0xC0},
		)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := encode(t, map[string]*tensor.Tensor{"a": tensor.New([]float64{1, -2}, 2)}, c.metadata)
			assert.Equal(t, c.want, got)
		})
	}
}

// Tensors are laid out in name order, one after the other from offset 0,
// and the data section starts at a multiple of 8 bytes.
func TestWriteLayout(t *testing.T) {
	b := encode(t, map[string]*tensor.Tensor{
		"b": tensor.Full(2, 3),
		"a": tensor.Full(1, 1, 2),
		"c": tensor.Zeros(0, 5),
	}, nil)
	n := binary.LittleEndian.Uint64(b)
	assert.Zero(t, n%8)
	header := string(b[8 : 8+n])
	assert.Equal(t, `{"a":{"dtype":"F64","shape":[1,2],"data_offsets":[0,16]},`+
		`"b":{"dtype":"F64","shape":[3],"data_offsets":[16,40]},`+
		`"c":{"dtype":"F64","shape":[0,5],"data_offsets":[40,40]}}`, strings.TrimRight(header, " "))
	assert.Len(t, b, 8+int(n)+40)
}

func TestWriteErrors(t *testing.T) {
	cases := []struct {
		name     string
		tensors  map[string]*tensor.Tensor
		metadata map[string]string
		msg      string
	}{
		{"nil tensor", map[string]*tensor.Tensor{"w": nil}, nil, `checkpoint: write: tensor "w" is nil`},
		{"reserved name", map[string]*tensor.Tensor{"__metadata__": tensor.Scalar(1)}, nil,
			`checkpoint: write: a tensor cannot be named "__metadata__"`},
		{"bad UTF-8 name", map[string]*tensor.Tensor{"\xff": tensor.Scalar(1)}, nil,
			`checkpoint: write: tensor name "\xff" is not valid UTF-8`},
		{"bad UTF-8 metadata", nil, map[string]string{"k": "\xc3"},
			`checkpoint: write: metadata "k": "\xc3" is not valid UTF-8`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := checkpoint.Write(&buf, c.tensors, c.metadata)
			require.Error(t, err)
			assert.Equal(t, c.msg, err.Error())
			assert.Zero(t, buf.Len(), "nothing is written")
		})
	}
}

// ---- Crafted files ------------------------------------------------------------------

// file builds a safetensors file from a header (not padded) and data.
func file(header string, data ...float64) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	b = append(b, header...)
	for _, x := range data {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
	}
	return b
}

func concat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// entryJSON is one well-formed header entry.
const entryJSON = `"a":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}`

// badFiles are invalid files with the error Read must give, each naming
// what is wrong. They are also the fuzz test's seeds.
var badFiles = []struct {
	name string
	file []byte
	msg  string
}{
	{"too short", []byte{1, 2, 3}, "3 bytes, too short for the 8-byte header length"},
	{"header over the limit", binary.LittleEndian.AppendUint64(nil, 200_000_000),
		"header length 200000000 is over the limit of 100000000 bytes"},
	{"header past the end", concat(binary.LittleEndian.AppendUint64(nil, 100), []byte("{}")),
		"header length 100 is more than the 2 bytes after it"},
	{"header length 2⁶⁴−1", concat(binary.LittleEndian.AppendUint64(nil, math.MaxUint64), []byte("{}")),
		"header length 18446744073709551615 is over the limit of 100000000 bytes"},
	{"empty header", file(""), "header ends inside the top-level object"},
	{"not UTF-8", file("{\"\xff\":1}"), "header is not valid UTF-8"},
	{"truncated JSON", file(`{"a":{"dtype":"F64",`), `header ends inside tensor "a"`},
	{"bad JSON", file(`{"a" 1}`), `header is not valid JSON, in tensor "a": invalid character '1' after object key`},
	{"not an object", file(`[1,2]`), `the top-level object: want "{", found "["`},
	{"more after the object", file(`{}{}`), "header has more after its JSON object (only space padding may follow)"},
	{"NUL padding", file("{}\x00\x00"), "header has more after its JSON object (only space padding may follow)"},
	{"key twice", file(`{`+entryJSON+`,`+entryJSON+`}`, 1, 2),
		`key "a" appears twice in the header`},
	{"entry not an object", file(`{"a":[1]}`), `tensor "a": want "{", found "["`},
	{"metadata not an object", file(`{"__metadata__":"x"}`), `__metadata__: want "{", found the string "x"`},
	{"metadata value not a string", file(`{"__metadata__":{"step":7}}`),
		`__metadata__["step"]: want a string, found the number 7`},
	{"metadata key twice", file(`{"__metadata__":{"k":"1","k":"2"}}`), `__metadata__: key "k" appears twice`},
	{"wrong dtype", file(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, 0),
		`tensor "a": dtype "F32" is not supported (ganbook reads only F64)`},
	{"dtype not a string", file(`{"a":{"dtype":64,"shape":[2],"data_offsets":[0,16]}}`, 1, 2),
		`tensor "a" dtype: want a string, found the number 64`},
	{"missing shape", file(`{"a":{"dtype":"F64","data_offsets":[0,16]}}`, 1, 2),
		`tensor "a": field "shape" is missing`},
	{"unknown field", file(`{"a":{"dtype":"F64","shape":[2],"data_offsets":[0,16],"stride":[1]}}`, 1, 2),
		`tensor "a": unknown field "stride"`},
	{"field twice", file(`{"a":{"dtype":"F64","shape":[2],"shape":[2],"data_offsets":[0,16]}}`, 1, 2),
		`tensor "a": field "shape" appears twice`},
	{"negative dimension", file(`{"a":{"dtype":"F64","shape":[-2],"data_offsets":[0,16]}}`, 1, 2),
		`tensor "a" shape: -2 is negative`},
	{"fractional dimension", file(`{"a":{"dtype":"F64","shape":[2.0],"data_offsets":[0,16]}}`, 1, 2),
		`tensor "a" shape: 2.0 is not a whole number`},
	{"exponent dimension", file(`{"a":{"dtype":"F64","shape":[2e0],"data_offsets":[0,16]}}`, 1, 2),
		`tensor "a" shape: 2e0 is not a whole number`},
	{"huge dimension", file(`{"a":{"dtype":"F64","shape":[99999999999999999999],"data_offsets":[0,16]}}`, 1, 2),
		`tensor "a" shape: 99999999999999999999 is too large`},
	{"nested shape", file(`{"a":{"dtype":"F64","shape":[[2]],"data_offsets":[0,16]}}`, 1, 2),
		`tensor "a" shape: want a whole number, found "["`},
	{"three offsets", file(`{"a":{"dtype":"F64","shape":[2],"data_offsets":[0,8,16]}}`, 1, 2),
		`tensor "a": data_offsets has 3 numbers, want 2`},
	{"end before begin", file(`{"a":{"dtype":"F64","shape":[2],"data_offsets":[16,0]}}`, 1, 2),
		`tensor "a": data_offsets [16,0] end before they begin`},
	{"past the data", file(`{"a":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}`, 1),
		`tensor "a": data_offsets [0,16] run past the data section of 8 bytes`},
	{"overlap", file(`{"a":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},"b":{"dtype":"F64","shape":[2],"data_offsets":[8,24]}}`, 1, 2, 3),
		`tensor "b": data_offsets [8,24] overlap tensor "a", which ends at 16`},
	{"gap", file(`{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"b":{"dtype":"F64","shape":[1],"data_offsets":[16,24]}}`, 1, 2, 3),
		`tensor "b": data_offsets [16,24] leave a gap of 8 bytes before it`},
	{"not from 0", file(`{"a":{"dtype":"F64","shape":[1],"data_offsets":[8,16]}}`, 1, 2),
		`tensor "a": data_offsets [8,16] leave a gap of 8 bytes before it`},
	{"bytes left over", file(`{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}`, 1, 2),
		`the tensors take 8 bytes, the data section has 16`},
	{"shape and offsets disagree", file(`{"a":{"dtype":"F64","shape":[3],"data_offsets":[0,16]}}`, 1, 2),
		`tensor "a": shape (3) holds 3 float64 values, data_offsets [0,16] hold 16 bytes`},
	{"not a multiple of 8", concat(file(`{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,12]}}`, 1), []byte{0, 0, 0, 0}),
		`tensor "a": shape (1) holds 1 float64 values, data_offsets [0,12] hold 12 bytes`},
	{"element count overflows", file(`{"a":{"dtype":"F64","shape":[4294967296,4294967296,0],"data_offsets":[0,0]}}`),
		`tensor "a": shape (4294967296,4294967296,0) has too many elements`},
	{"huge count, small data", file(`{"a":{"dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,0]}}`),
		`tensor "a": shape (2305843009213693952) holds 2305843009213693952 float64 values, data_offsets [0,0] hold 0 bytes`},
}

func TestReadRejectsInvalidFiles(t *testing.T) {
	for _, c := range badFiles {
		t.Run(c.name, func(t *testing.T) {
			tensors, meta, err := decode(c.file)
			require.Error(t, err)
			assert.True(t, errors.Is(err, checkpoint.ErrFormat))
			assert.Equal(t, "checkpoint: read: invalid safetensors file: "+c.msg, err.Error())
			assert.Nil(t, tensors)
			assert.Nil(t, meta)
		})
	}
}

// A reader that holds fewer bytes than the size it was announced with.
func TestReadShortReader(t *testing.T) {
	b := encode(t, map[string]*tensor.Tensor{"a": tensor.New([]float64{1, 2}, 2)}, nil)
	cases := []struct {
		cut int
		msg string
	}{
		{4, "file ends in the header length"},
		{20, "file ends in the header"},
		{len(b) - 3, `file ends in the data of tensor "a"`},
	}
	for _, c := range cases {
		_, _, err := checkpoint.Read(bytes.NewReader(b[:c.cut]), int64(len(b)))
		require.Error(t, err)
		assert.Equal(t, "checkpoint: read: invalid safetensors file: "+c.msg, err.Error())
	}
}

func TestLoadFileErrorsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.safetensors")
	require.NoError(t, os.WriteFile(bad, file(`{"w":{"dtype":"BF16","shape":[1],"data_offsets":[0,2]}}`), 0o644))
	_, _, err := checkpoint.LoadFile(bad)
	require.Error(t, err)
	assert.True(t, errors.Is(err, checkpoint.ErrFormat))
	assert.Equal(t, "checkpoint: load "+bad+`: invalid safetensors file: tensor "w": dtype "BF16" is not supported (ganbook reads only F64)`, err.Error())

	missing := filepath.Join(dir, "missing.safetensors")
	_, _, err = checkpoint.LoadFile(missing)
	require.Error(t, err)
	assert.True(t, errors.Is(err, os.ErrNotExist))
	assert.False(t, errors.Is(err, checkpoint.ErrFormat))
	assert.Contains(t, err.Error(), "checkpoint: load "+missing+": ")

	_, _, err = checkpoint.LoadFile(dir)
	require.Error(t, err)
	assert.Equal(t, "checkpoint: load "+dir+": not a regular file", err.Error())
}

func TestSaveFileLoadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.safetensors")
	tensors := map[string]*tensor.Tensor{"x": tensor.Arange(5), "y": fromBits(specialValues, 12)}
	require.NoError(t, checkpoint.SaveFile(path, tensors, map[string]string{"k": "v"}))
	got, meta, err := checkpoint.LoadFile(path)
	require.NoError(t, err)
	requireSameTensors(t, tensors, got)
	assert.Equal(t, map[string]string{"k": "v"}, meta)
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), info.Mode().Perm())
}

// A header over the reader's 100 MB limit is refused by the writer too, so
// that ganbook never writes a file it cannot read back.
func TestWriteRefusesAHeaderOverTheLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 100 MB header")
	}
	var buf bytes.Buffer
	err := checkpoint.Write(&buf, nil, map[string]string{"big": strings.Repeat("x", checkpoint.MaxHeaderSize)})
	require.Error(t, err)
	// {"__metadata__":{"big":"xxx…"}} is 26 bytes more than the x's, padded to 100000032.
	assert.Equal(t, "checkpoint: write: the header of 0 tensors would take 100000032 bytes, over the limit of 100000000", err.Error())
	assert.Zero(t, buf.Len())
}
