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

// Error is the value this package panics with on a caller mistake. Its
// message names the package, the operation and the operands, for example
//
//	tensor: MatMul: shape mismatch (2,3) x (4,5)
type Error struct {
	Op     string // the operation, e.g. "MatMul"
	Err    error  // one of the sentinels above
	Detail string // the operands, e.g. "(2,3) x (4,5)"
}

func (e *Error) Error() string {
	if e.Detail == "" {
		return "tensor: " + e.Op + ": " + e.Err.Error()
	}
	return "tensor: " + e.Op + ": " + e.Err.Error() + " " + e.Detail
}

// Unwrap returns the sentinel, so errors.Is(err, ErrShape) works.
func (e *Error) Unwrap() error { return e.Err }

// Panicf panics with an *Error for op wrapping kind, with a formatted detail.
// It is exported for the packages built on tensor (autograd, layers), so that
// their caller mistakes read the same way.
func Panicf(kind error, op, format string, args ...any) {
	panic(&Error{Op: op, Err: kind, Detail: fmt.Sprintf(format, args...)})
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
