package checkpoint

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"ganbook/layers/atomicfile"
	"ganbook/layers/sysmem"
	"ganbook/tensor"
)

// MaxHeaderSize is the longest JSON header Read accepts, in bytes: the
// reference implementation's limit of 100 MB.
const MaxHeaderSize = 100_000_000

// metadataKey is the header key that holds the free string metadata.
const metadataKey = "__metadata__"

// ErrFormat is wrapped by every error that reports a file which is not a
// valid safetensors file of float64 tensors (as opposed to an I/O error).
var ErrFormat = errors.New("invalid safetensors file")

// formatError returns an error wrapping ErrFormat with a formatted detail.
func formatError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrFormat, fmt.Sprintf(format, args...))
}

// ---- Writing ------------------------------------------------------------------------

// Write writes tensors and metadata to w in the safetensors format: the
// 8-byte little-endian header length N, N bytes of JSON header padded with
// spaces to a multiple of 8, then every tensor's float64 values,
// little-endian, tensors in name order. Metadata is stored under
// "__metadata__" when it is not empty.
//
// It returns an error if a tensor is nil, a name is "__metadata__", a name
// or a metadata string is not valid UTF-8, or w fails.
func Write(w io.Writer, tensors map[string]*tensor.Tensor, metadata map[string]string) error {
	header, names, err := encodeHeader(tensors, metadata)
	if err != nil {
		return fmt.Errorf("checkpoint: write: %w", err)
	}
	if err := writeAll(w, header, names, tensors); err != nil {
		return fmt.Errorf("checkpoint: write: %w", err)
	}
	return nil
}

// testHookWriter, when set by a test, wraps the file writer of SaveFile
// (to make a write fail halfway).
var testHookWriter func(io.Writer) io.Writer

// SaveFile writes tensors and metadata to the file at path (see Write),
// atomically: the bytes go to a temporary file that replaces path only once
// complete, so an error leaves any previous file at path untouched.
func SaveFile(path string, tensors map[string]*tensor.Tensor, metadata map[string]string) error {
	header, names, err := encodeHeader(tensors, metadata)
	if err != nil {
		return fmt.Errorf("checkpoint: save %s: %w", path, err)
	}
	err = atomicfile.Write(path, func(w io.Writer) error {
		if testHookWriter != nil {
			w = testHookWriter(w)
		}
		return writeAll(w, header, names, tensors)
	})
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err) // atomicfile's error names the file
	}
	return nil
}

// writeAll writes the length prefix, the header and the data section, the
// data encoded in chunks of 64 KiB.
func writeAll(w io.Writer, header []byte, names []string, tensors map[string]*tensor.Tensor) error {
	chunk := binary.LittleEndian.AppendUint64(make([]byte, 0, 1<<16), uint64(len(header)))
	chunk = append(chunk, header...)
	for _, name := range names {
		for _, x := range tensors[name].Data() {
			if len(chunk)+8 > cap(chunk) {
				if _, err := w.Write(chunk); err != nil {
					return err
				}
				chunk = chunk[:0]
			}
			chunk = binary.LittleEndian.AppendUint64(chunk, math.Float64bits(x))
		}
	}
	_, err := w.Write(chunk)
	return err
}

// encodeHeader checks the tensors and metadata and returns the padded JSON
// header and the tensor names in the order of the data section.
func encodeHeader(tensors map[string]*tensor.Tensor, metadata map[string]string) ([]byte, []string, error) {
	names := slices.Sorted(maps.Keys(tensors))
	for _, name := range names {
		switch {
		case tensors[name] == nil:
			return nil, nil, fmt.Errorf("tensor %q is nil", name)
		case name == metadataKey:
			return nil, nil, fmt.Errorf("a tensor cannot be named %q", metadataKey)
		case !utf8.ValidString(name):
			return nil, nil, fmt.Errorf("tensor name %q is not valid UTF-8", name)
		}
	}
	keys := slices.Sorted(maps.Keys(metadata))
	for _, k := range keys {
		if !utf8.ValidString(k) || !utf8.ValidString(metadata[k]) {
			return nil, nil, fmt.Errorf("metadata %q: %q is not valid UTF-8", k, metadata[k])
		}
	}

	var b bytes.Buffer
	b.WriteByte('{')
	if len(keys) > 0 {
		b.WriteString(quote(metadataKey) + ":{")
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(quote(k) + ":" + quote(metadata[k]))
		}
		b.WriteByte('}')
	}
	offset := 0
	for i, name := range names {
		if i > 0 || len(keys) > 0 {
			b.WriteByte(',')
		}
		t := tensors[name]
		end := offset + 8*t.Len()
		fmt.Fprintf(&b, `%s:{"dtype":"F64","shape":[%s],"data_offsets":[%d,%d]}`,
			quote(name), joinInts(t.Shape()), offset, end)
		offset = end
	}
	b.WriteByte('}')
	// Pad with spaces so that the data section starts at a multiple of 8
	// bytes, as the reference implementation does.
	for b.Len()%8 != 0 {
		b.WriteByte(' ')
	}
	if b.Len() > MaxHeaderSize {
		return nil, nil, fmt.Errorf("the header of %d tensors would take %d bytes, over the limit of %d", len(names), b.Len(), MaxHeaderSize)
	}
	return b.Bytes(), names, nil
}

// quote returns s as a JSON string, escaping only what JSON requires
// (encoding/json's default also escapes <, > and & for HTML).
func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s) // cannot fail for a string
	return strings.TrimSuffix(b.String(), "\n")
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}

// ---- Reading ------------------------------------------------------------------------

// entry is one tensor's header record.
type entry struct {
	name       string
	shape      []int
	begin, end int64 // byte offsets in the data section
}

// Read reads a safetensors file of size bytes from r and returns its
// tensors by name and its metadata (an empty map if it has none). It checks
// the whole header (see the package documentation) before it allocates any
// tensor; an invalid file gives an error wrapping ErrFormat that says what
// is wrong and with which tensor. Read never panics.
func Read(r io.Reader, size int64) (map[string]*tensor.Tensor, map[string]string, error) {
	tensors, metadata, err := read(r, size)
	if err != nil {
		return nil, nil, fmt.Errorf("checkpoint: read: %w", err)
	}
	return tensors, metadata, nil
}

// LoadFile reads the safetensors file at path (see Read). Its errors name
// the file.
func LoadFile(path string) (map[string]*tensor.Tensor, map[string]string, error) {
	tensors, metadata, err := loadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("checkpoint: load %s: %w", path, err)
	}
	return tensors, metadata, nil
}

func loadFile(path string) (map[string]*tensor.Tensor, map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("not a regular file")
	}
	return read(bufio.NewReaderSize(f, 1<<16), info.Size())
}

// read does the work of Read, with errors that do not say "checkpoint".
func read(r io.Reader, size int64) (map[string]*tensor.Tensor, map[string]string, error) {
	if size < 8 {
		return nil, nil, formatError("%d bytes, too short for the 8-byte header length", size)
	}
	var prefix [8]byte
	if _, err := io.ReadFull(r, prefix[:]); err != nil {
		return nil, nil, readError("the header length", err)
	}
	n := binary.LittleEndian.Uint64(prefix[:])
	if n > MaxHeaderSize {
		return nil, nil, formatError("header length %d is over the limit of %d bytes", n, MaxHeaderSize)
	}
	if n > uint64(size-8) {
		return nil, nil, formatError("header length %d is more than the %d bytes after it", n, size-8)
	}
	header := make([]byte, n)
	if _, err := io.ReadFull(r, header); err != nil {
		return nil, nil, readError("the header", err)
	}
	entries, metadata, err := parseHeader(header)
	if err != nil {
		return nil, nil, err
	}
	if err := checkLayout(entries, size-8-int64(n)); err != nil {
		return nil, nil, err
	}
	if avail, ok := sysmem.Available(); ok && uint64(size-8-int64(n)) > avail {
		return nil, nil, fmt.Errorf("the tensors take %s, more than the %s of memory available",
			sysmem.Format(float64(size-8-int64(n))), sysmem.Format(float64(avail)))
	}
	tensors, err := readData(r, entries)
	if err != nil {
		return nil, nil, err
	}
	return tensors, metadata, nil
}

// readError reports a failure to read part of the file; running out of
// bytes means the file is shorter than its stated size.
func readError(what string, err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return formatError("file ends in %s", what)
	}
	return fmt.Errorf("reading %s: %w", what, err)
}

// readData reads each tensor's values; entries are sorted by offset and
// tile the data section, so it reads straight through. It allocates no
// more than it has read: the header's offsets and the stated size are only
// promises (a reader may hold fewer bytes, a file may be sparse), so each
// tensor's values grow as their bytes arrive, 64 KiB at a time, at most
// about twice the bytes read so far.
func readData(r io.Reader, entries []entry) (map[string]*tensor.Tensor, error) {
	tensors := make(map[string]*tensor.Tensor, len(entries))
	buf := make([]byte, 1<<16)
	for _, e := range entries {
		n := int((e.end - e.begin) / 8)
		data := make([]float64, 0, min(n, len(buf)/8))
		for len(data) < n {
			chunk := buf[:8*min(n-len(data), len(buf)/8)]
			if _, err := io.ReadFull(r, chunk); err != nil {
				return nil, readError(fmt.Sprintf("the data of tensor %q", e.name), err)
			}
			for i := 0; i < len(chunk); i += 8 {
				data = append(data, math.Float64frombits(binary.LittleEndian.Uint64(chunk[i:])))
			}
		}
		tensors[e.name] = tensor.New(data, e.shape...)
	}
	return tensors, nil
}

// checkLayout checks that the tensors' byte ranges tile the data section of
// dataSize bytes exactly, each holding its shape's number of float64
// values, and sorts entries by offset.
func checkLayout(entries []entry, dataSize int64) error {
	slices.SortFunc(entries, func(a, b entry) int {
		if a.begin != b.begin {
			return cmpInt64(a.begin, b.begin)
		}
		if a.end != b.end {
			return cmpInt64(a.end, b.end)
		}
		return strings.Compare(a.name, b.name)
	})
	pos, prev := int64(0), ""
	for _, e := range entries {
		offsets := fmt.Sprintf("data_offsets [%d,%d]", e.begin, e.end)
		switch {
		case e.end < e.begin:
			return formatError("tensor %q: %s end before they begin", e.name, offsets)
		case e.end > dataSize:
			return formatError("tensor %q: %s run past the data section of %d bytes", e.name, offsets, dataSize)
		case e.begin < pos:
			return formatError("tensor %q: %s overlap tensor %q, which ends at %d", e.name, offsets, prev, pos)
		case e.begin > pos:
			return formatError("tensor %q: %s leave a gap of %d bytes before it", e.name, offsets, e.begin-pos)
		}
		count, ok := numel(e.shape)
		if !ok {
			return formatError("tensor %q: shape %s has too many elements", e.name, tensor.FormatShape(e.shape))
		}
		if size := e.end - e.begin; size%8 != 0 || size/8 != count {
			return formatError("tensor %q: shape %s holds %d float64 values, %s hold %d bytes",
				e.name, tensor.FormatShape(e.shape), count, offsets, size)
		}
		pos, prev = e.end, e.name
	}
	if pos != dataSize {
		return formatError("the tensors take %d bytes, the data section has %d", pos, dataSize)
	}
	return nil
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// numel returns the product of shape, or false if it overflows an int64.
// Like the reference implementation it multiplies left to right and fails
// on the first overflow, even if a later dimension is 0.
func numel(shape []int) (int64, bool) {
	n := int64(1)
	for _, d := range shape {
		if d != 0 && n > math.MaxInt64/int64(d) {
			return 0, false
		}
		n *= int64(d)
	}
	return n, true
}

// ---- Parsing the header ---------------------------------------------------------------
//
// The header is parsed token by token rather than with json.Unmarshal,
// which would silently keep the last of two equal keys, accept fractions
// where integers belong, and ignore unknown fields.

// parseHeader returns the tensor entries and the metadata of a header.
func parseHeader(header []byte) ([]entry, map[string]string, error) {
	if !utf8.Valid(header) {
		return nil, nil, formatError("header is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(header))
	dec.UseNumber()
	p := parser{dec: dec}
	if err := p.delim('{', "the top-level object"); err != nil {
		return nil, nil, err
	}
	var entries []entry
	metadata := map[string]string{}
	seen := map[string]bool{}
	for dec.More() {
		key, err := p.key("the top-level object")
		if err != nil {
			return nil, nil, err
		}
		if seen[key] {
			return nil, nil, formatError("key %q appears twice in the header", key)
		}
		seen[key] = true
		if key == metadataKey {
			if metadata, err = p.metadata(); err != nil {
				return nil, nil, err
			}
			continue
		}
		e, err := p.entry(key)
		if err != nil {
			return nil, nil, err
		}
		entries = append(entries, e)
	}
	if err := p.delim('}', "the top-level object"); err != nil {
		return nil, nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, formatError("header has more after its JSON object (only space padding may follow)")
	}
	return entries, metadata, nil
}

// parser reads the tokens of a header.
type parser struct{ dec *json.Decoder }

// token returns the next token; a JSON syntax error becomes a format error.
func (p parser) token(where string) (json.Token, error) {
	tok, err := p.dec.Token()
	if err == io.EOF {
		return nil, formatError("header ends inside %s", where)
	}
	if err != nil {
		return nil, formatError("header is not valid JSON, in %s: %v", where, err)
	}
	return tok, nil
}

// delim reads the delimiter want ('{', '}', '[' or ']').
func (p parser) delim(want json.Delim, where string) error {
	tok, err := p.token(where)
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return formatError("%s: want %q, found %v", where, want, describe(tok))
	}
	return nil
}

// key reads an object key (the decoder only returns strings there).
func (p parser) key(where string) (string, error) {
	tok, err := p.token(where)
	if err != nil {
		return "", err
	}
	s, ok := tok.(string)
	if !ok {
		return "", formatError("%s: want a key, found %v", where, describe(tok))
	}
	return s, nil
}

// str reads a string value.
func (p parser) str(where string) (string, error) {
	tok, err := p.token(where)
	if err != nil {
		return "", err
	}
	s, ok := tok.(string)
	if !ok {
		return "", formatError("%s: want a string, found %v", where, describe(tok))
	}
	return s, nil
}

// ints reads an array of whole numbers ≥ 0 that fit in an int64.
func (p parser) ints(where string) ([]int64, error) {
	if err := p.delim('[', where); err != nil {
		return nil, err
	}
	out := []int64{}
	for p.dec.More() {
		tok, err := p.token(where)
		if err != nil {
			return nil, err
		}
		num, ok := tok.(json.Number)
		if !ok {
			return nil, formatError("%s: want a whole number, found %v", where, describe(tok))
		}
		v, err := strconv.ParseInt(string(num), 10, 64)
		switch {
		case err != nil && strings.ContainsAny(string(num), ".eE"):
			return nil, formatError("%s: %s is not a whole number", where, num)
		case err != nil:
			return nil, formatError("%s: %s is too large", where, num)
		case v < 0:
			return nil, formatError("%s: %s is negative", where, num)
		}
		out = append(out, v)
	}
	return out, p.delim(']', where)
}

// metadata reads the "__metadata__" object of strings.
func (p parser) metadata() (map[string]string, error) {
	where := "__metadata__"
	if err := p.delim('{', where); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for p.dec.More() {
		k, err := p.key(where)
		if err != nil {
			return nil, err
		}
		if _, dup := out[k]; dup {
			return nil, formatError("%s: key %q appears twice", where, k)
		}
		if out[k], err = p.str(fmt.Sprintf("%s[%q]", where, k)); err != nil {
			return nil, err
		}
	}
	return out, p.delim('}', where)
}

// entry reads one tensor's {"dtype", "shape", "data_offsets"} object.
func (p parser) entry(name string) (entry, error) {
	where := fmt.Sprintf("tensor %q", name)
	e := entry{name: name}
	if err := p.delim('{', where); err != nil {
		return e, err
	}
	var dtype string
	var shape, offsets []int64
	seen := map[string]bool{}
	for p.dec.More() {
		field, err := p.key(where)
		if err != nil {
			return e, err
		}
		if seen[field] {
			return e, formatError("%s: field %q appears twice", where, field)
		}
		seen[field] = true
		switch field {
		case "dtype":
			dtype, err = p.str(where + " dtype")
		case "shape":
			shape, err = p.ints(where + " shape")
		case "data_offsets":
			offsets, err = p.ints(where + " data_offsets")
		default:
			err = formatError("%s: unknown field %q", where, field)
		}
		if err != nil {
			return e, err
		}
	}
	if err := p.delim('}', where); err != nil {
		return e, err
	}
	for _, f := range []string{"dtype", "shape", "data_offsets"} {
		if !seen[f] {
			return e, formatError("%s: field %q is missing", where, f)
		}
	}
	if dtype != "F64" {
		return e, formatError("%s: dtype %q is not supported (ganbook reads only F64)", where, dtype)
	}
	if len(offsets) != 2 {
		return e, formatError("%s: data_offsets has %d numbers, want 2", where, len(offsets))
	}
	e.shape = make([]int, len(shape))
	for i, d := range shape {
		if d > math.MaxInt {
			return e, formatError("%s: dimension %d is too large", where, d)
		}
		e.shape[i] = int(d)
	}
	e.begin, e.end = offsets[0], offsets[1]
	return e, nil
}

// describe names a token for an error message.
func describe(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		return strconv.Quote(t.String())
	case string:
		return "the string " + strconv.Quote(t)
	case json.Number:
		return "the number " + t.String()
	case bool:
		return strconv.FormatBool(t)
	case nil:
		return "null"
	}
	return fmt.Sprint(tok)
}
