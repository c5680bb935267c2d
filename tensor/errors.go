package tensor

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Sentinel errors. Every panic raised by this package carries an *Error that
// wraps one of these, so callers can recover and test with errors.Is.
var (
	// ErrShape reports operands whose shapes do not fit the operation.
	ErrShape = errors.New("shape mismatch")
	// ErrAxis reports an axis or permutation that does not exist.
	ErrAxis = errors.New("bad axis")
	// ErrIndex reports an index or range outside a dimension.
	ErrIndex = errors.New("index out of range")
	// ErrArgument reports any other invalid argument (a negative size, a
	// zero stride, a non-square matrix where one is needed, ...).
	ErrArgument = errors.New("bad argument")
)

// Error is the value this package, and the packages built on it, panic
// with on a caller's mistake. Its message names the package, the operation
// and the operands, for example
//
//	tensor: MatMul: shape mismatch (2,3) x (4,5)
//	layers: Linear: shape mismatch input (3,4) for weight (5,2)
type Error struct {
	Pkg    string // the package, e.g. "layers"; empty means "tensor"
	Op     string // the operation, e.g. "MatMul"
	Err    error  // one of the sentinels above
	Detail string // the operands, e.g. "(2,3) x (4,5)"
}

// Error returns "<Pkg>: <Op>: <the sentinel's text> <Detail>", for example
// "tensor: MatMul: shape mismatch (2,3) x (4,5)"; Pkg "" reads "tensor",
// and an empty Detail is left out with its space.
func (e *Error) Error() string {
	pkg := e.Pkg
	if pkg == "" {
		pkg = "tensor"
	}
	if e.Detail == "" {
		return pkg + ": " + e.Op + ": " + e.Err.Error()
	}
	return pkg + ": " + e.Op + ": " + e.Err.Error() + " " + e.Detail
}

// Unwrap returns the sentinel, so errors.Is(err, ErrShape) works.
func (e *Error) Unwrap() error { return e.Err }

// NewError returns the *Error that package pkg panics with when op is
// called wrongly: kind is one of the sentinels, and the detail, formatted
// from format and args, names the operands. The packages built on tensor
// (autograd, layers, gan, ...) use it so that their caller mistakes read,
// and test with errors.Is, the same way as this package's.
func NewError(pkg string, kind error, op, format string, args ...any) *Error {
	return &Error{Pkg: pkg, Op: op, Err: kind, Detail: fmt.Sprintf(format, args...)}
}

// panicf panics with this package's *Error for op wrapping kind.
func panicf(kind error, op, format string, args ...any) {
	panic(NewError("", kind, op, format, args...))
}

// FormatShape writes a shape as "(2,3)"; a scalar's empty shape is "()".
func FormatShape(shape []int) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, d := range shape {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(d))
	}
	b.WriteByte(')')
	return b.String()
}
