package data

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"ganbook/layers/atomicfile"
)

// ---- The IDX format ---------------------------------------------------------------------
//
// An IDX file (the format of the MNIST files) is a 4-byte magic number,
// one big-endian uint32 per dimension, then the elements in row-major order:
//
//	bytes 0–1   0x00 0x00
//	byte  2     element type: 0x08 unsigned byte (others exist, see below)
//	byte  3     number of dimensions, k
//	bytes 4…    k sizes, uint32 big-endian, the first varying slowest
//	then        size₀·size₁·…·sizeₖ₋₁ elements
//
// MNIST's image files are (n, 28, 28) and its label files (n), both of
// unsigned bytes; the files are usually gzip-compressed.

// ErrIDX is wrapped by every error that reports bytes that are not a valid
// IDX file of unsigned bytes (or not a valid gzip stream around one), as
// opposed to a failure to read them.
var ErrIDX = errors.New("invalid IDX file")

// MaxIDXDims is the largest number of dimensions ReadIDX accepts.
const MaxIDXDims = 4

// MaxIDXElements is the largest element count ReadIDX accepts, 2⁴⁰ (a
// terabyte): a header may claim at most this many before anything is read.
const MaxIDXElements = 1 << 40

// idxUnsignedByte is the element type code of unsigned bytes.
const idxUnsignedByte = 0x08

// idxTypeNames names the other element types of the format, for the error
// that rejects them.
var idxTypeNames = map[byte]string{
	0x09: "signed byte", 0x0B: "int16", 0x0C: "int32", 0x0D: "float32", 0x0E: "float64",
}

// IDX is the content of an IDX file of unsigned bytes: the sizes of its
// dimensions and its elements in row-major order, len(Data) being the
// product of Dims.
type IDX struct {
	Dims []int
	Data []byte
}

func idxError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrIDX, fmt.Sprintf(format, args...))
}

// ---- Reading ----------------------------------------------------------------------------

// ReadIDX reads one IDX file of unsigned bytes from r, which may be plain
// or gzip-compressed (recognised by its first two bytes, 0x1f 0x8b); it
// reads r to its end.
//
// Every header field is checked before it is used: the magic, the element
// type (only 0x08, unsigned byte; the other types are rejected by name),
// the number of dimensions (1 to MaxIDXDims), and the element count, whose
// product must not exceed MaxIDXElements. The data is then read in chunks
// that grow only as bytes arrive (64 KB, then doubling), so a header that
// claims more than the stream holds costs at most 64 KB or twice the bytes
// present, never the claimed size. Missing or extra bytes after the data are errors.
//
// An invalid stream gives an error wrapping ErrIDX that says which field
// or which byte count is wrong; a failure of r itself is returned wrapped
// as it is.
func ReadIDX(r io.Reader) (*IDX, error) {
	x, err := readIDX(r, -1)
	if err != nil {
		return nil, fmt.Errorf("data: read IDX: %w", err)
	}
	return x, nil
}

// ReadIDXFile reads the IDX file at path with ReadIDX; a plain file's
// header is also checked against the file's size before any data is read.
// Errors name path.
func ReadIDXFile(path string) (*IDX, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: read IDX: %w", err) // os errors name the path
	}
	defer f.Close()
	size := int64(-1)
	if info, err := f.Stat(); err == nil && info.Mode().IsRegular() {
		size = info.Size()
	}
	x, err := readIDX(f, size)
	if err != nil {
		return nil, fmt.Errorf("data: read IDX %s: %w", path, err)
	}
	return x, nil
}

// readIDX is ReadIDX; size is the length of r in bytes when known (a plain
// file), or −1. When r turns out to be gzip-compressed, size is unknown.
func readIDX(r io.Reader, size int64) (*IDX, error) {
	br := bufio.NewReader(r)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, gzipError(err)
		}
		x, err := readPlainIDX(zr, -1)
		if err != nil {
			return nil, gzipError(err)
		}
		return x, nil
	}
	return readPlainIDX(br, size)
}

// gzipError marks the errors of a corrupt gzip stream as ErrIDX; others
// (nil, ErrIDX already, a failing reader) pass unchanged.
func gzipError(err error) error {
	var corrupt flate.CorruptInputError
	switch {
	case err == nil || errors.Is(err, ErrIDX):
		return err
	case errors.Is(err, gzip.ErrHeader), errors.Is(err, gzip.ErrChecksum), errors.As(err, &corrupt),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return fmt.Errorf("%w: corrupt gzip stream: %w", ErrIDX, err)
	}
	return err
}

// readPlainIDX reads an uncompressed IDX stream of size bytes (−1 if
// unknown).
func readPlainIDX(r io.Reader, size int64) (*IDX, error) {
	// ---- 1. The magic number: 00 00, type, k.
	var magic [4]byte
	if n, err := io.ReadFull(r, magic[:]); err != nil {
		return nil, shortRead(err, "magic number", n, 4)
	}
	if magic[0] != 0 || magic[1] != 0 {
		return nil, idxError("magic number starts % x, want 00 00", magic[:2])
	}
	if t := magic[2]; t != idxUnsignedByte {
		if name, ok := idxTypeNames[t]; ok {
			return nil, idxError("element type 0x%02x (%s) is not supported, only 0x08 (unsigned byte)", t, name)
		}
		return nil, idxError("element type 0x%02x is not an IDX type", t)
	}
	k := int(magic[3])
	if k < 1 || k > MaxIDXDims {
		return nil, idxError("%d dimensions, want 1 to %d", k, MaxIDXDims)
	}

	// ---- 2. The sizes, and their product with an overflow check.
	header := make([]byte, 4*k)
	if n, err := io.ReadFull(r, header); err != nil {
		return nil, shortRead(err, fmt.Sprintf("sizes of %d dimensions", k), n, len(header))
	}
	dims := make([]int, k)
	for i := range dims {
		dims[i] = int(binary.BigEndian.Uint32(header[4*i:]))
	}
	total, err := idxElements(dims)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrIDX, err)
	}
	headerLen := int64(4 + 4*k)
	if size >= 0 && size != headerLen+int64(total) {
		return nil, idxError("sizes %v need %d bytes of data after the %d-byte header, the file has %d",
			dims, total, headerLen, size-headerLen)
	}

	// ---- 3. The data, in chunks that grow as bytes arrive.
	const firstChunk = 1 << 16
	data := make([]byte, min(total, firstChunk))
	got := 0
	for {
		n, err := io.ReadFull(r, data[got:])
		got += n
		if err != nil {
			return nil, shortRead(err, fmt.Sprintf("data of sizes %v", dims), got, total)
		}
		if got == total {
			break
		}
		next := min(2*len(data), total)
		data = slices.Grow(data, next-len(data))[:next]
	}

	// ---- 4. Nothing may follow (reading to the end also lets gzip check its CRC).
	var extra [1]byte
	n, err := io.ReadFull(r, extra[:])
	if n > 0 {
		return nil, idxError("bytes after the %d bytes of data of sizes %v", total, dims)
	}
	if err != io.EOF {
		return nil, err
	}
	return &IDX{Dims: dims, Data: data}, nil
}

// shortRead turns the error of reading want bytes of what, of which got
// arrived, into an ErrIDX error if the stream ended, or returns it as is.
func shortRead(err error, what string, got, want int) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return idxError("%s: the stream ends after %d of %d bytes", what, got, want)
	}
	return err
}

// idxElements returns the product of dims (each in 0..2³²−1), or an error
// if it passes MaxIDXElements. A zero size makes the product 0 whatever
// the others are.
func idxElements(dims []int) (int, error) {
	if slices.Contains(dims, 0) {
		return 0, nil
	}
	total := 1
	for i, d := range dims {
		if total > MaxIDXElements/d {
			return 0, fmt.Errorf("sizes %v: the element count passes 2⁴⁰ at dimension %d", dims, i)
		}
		total *= d
	}
	return total, nil
}

// ---- Writing ----------------------------------------------------------------------------

// WriteIDX writes x to w as a plain IDX file of unsigned bytes. It returns
// an error if x does not describe its data (no dimensions or more than
// MaxIDXDims, a size outside 0..2³²−1, len(Data) not the product of Dims)
// or if w fails.
func WriteIDX(w io.Writer, x *IDX) error {
	if err := writeIDX(w, x); err != nil {
		return fmt.Errorf("data: write IDX: %w", err)
	}
	return nil
}

// WriteIDXFile writes x to the file at path as WriteIDX does, gzip-
// compressed if path ends in ".gz", atomically: an error leaves any
// previous file at path untouched. Errors name path.
func WriteIDXFile(path string, x *IDX) error {
	if _, err := idxHeader(x); err != nil {
		return fmt.Errorf("data: write IDX %s: %w", path, err)
	}
	err := atomicfile.Write(path, func(w io.Writer) error {
		if !strings.HasSuffix(path, ".gz") {
			return writeIDX(w, x)
		}
		zw := gzip.NewWriter(w)
		if err := writeIDX(zw, x); err != nil {
			return err
		}
		return zw.Close()
	})
	if err != nil {
		return fmt.Errorf("data: IDX: %w", err) // atomicfile's error names the file
	}
	return nil
}

// writeIDX is WriteIDX without the error prefix.
func writeIDX(w io.Writer, x *IDX) error {
	header, err := idxHeader(x)
	if err != nil {
		return err
	}
	if _, err := w.Write(header); err != nil {
		return err
	}
	_, err = w.Write(x.Data)
	return err
}

// idxHeader returns the magic number and sizes for x, or an error if x is
// not a valid IDX value.
func idxHeader(x *IDX) ([]byte, error) {
	if x == nil {
		return nil, errors.New("nil IDX")
	}
	k := len(x.Dims)
	if k < 1 || k > MaxIDXDims {
		return nil, fmt.Errorf("%d dimensions, want 1 to %d", k, MaxIDXDims)
	}
	header := make([]byte, 4+4*k)
	header[2], header[3] = idxUnsignedByte, byte(k)
	for i, d := range x.Dims {
		if d < 0 || d > 1<<32-1 {
			return nil, fmt.Errorf("size %d of dimension %d is outside 0..2³²−1", d, i)
		}
		binary.BigEndian.PutUint32(header[4+4*i:], uint32(d))
	}
	total, err := idxElements(x.Dims)
	if err != nil {
		return nil, err
	}
	if len(x.Data) != total {
		return nil, fmt.Errorf("%d bytes of data for sizes %v, want %d", len(x.Data), x.Dims, total)
	}
	return header, nil
}
