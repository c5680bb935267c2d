package autograd

import (
	"sync/atomic"

	"ganbook/tensor"
)

// Var is a node of the computation graph: a tensor value, and, when it was
// computed from variables that require gradients, the operation that made it
// and a backward function that turns the gradient of the output into
// gradients of the inputs.
//
// Leaves are the variables a program creates directly: Param makes one that
// requires a gradient (a weight, or an input we differentiate with respect
// to), Const one that does not (data). Every other Var is the result of an
// operation of this package.
type Var struct {
	Value *tensor.Tensor // the forward value; never modified by this package
	Grad  *tensor.Tensor // on leaves, the gradient accumulated by Backward; nil until then

	requiresGrad bool
	op           string
	parents      []*Var
	backward     backwardFunc
}

// backwardFunc receives the gradient g of the loss with respect to the
// node's value and returns one gradient per parent, each shaped like that
// parent. need[i] reports whether parent i's gradient is wanted: an entry may
// be nil where need is false, so that no work is done for it.
//
// Backward functions are written with this package's operations, never with
// raw tensor arithmetic, so that the gradient they build can itself be
// differentiated (Grad with createGraph).
type backwardFunc func(g *Var, need []bool) []*Var

// Const wraps a tensor as a leaf that does not require a gradient.
func Const(t *tensor.Tensor) *Var { return &Var{Value: t, op: "Const"} }

// Scalar is Const of a 0-dimensional tensor holding v.
func Scalar(v float64) *Var { return Const(tensor.Scalar(v)) }

// Param wraps a tensor as a leaf that requires a gradient.
func Param(t *tensor.Tensor) *Var { return &Var{Value: t, op: "Param", requiresGrad: true} }

// RequiresGrad reports whether gradients flow to or through v.
func (v *Var) RequiresGrad() bool { return v.requiresGrad }

// SetRequiresGrad turns gradient tracking on or off for a leaf, for example
// to differentiate with respect to an input batch (the gradient penalty).
// It panics with tensor.ErrArgument if v is not a leaf.
func (v *Var) SetRequiresGrad(on bool) *Var {
	if !v.IsLeaf() {
		panicf(tensor.ErrArgument, "SetRequiresGrad", "%s is the result of %s, not a leaf", tensor.FormatShape(v.Value.Shape()), v.op)
	}
	v.requiresGrad = on
	return v
}

// IsLeaf reports whether v was created directly rather than by an operation
// that recorded its inputs.
func (v *Var) IsLeaf() bool { return v.backward == nil }

// Op names the operation that produced v ("Param" and "Const" for leaves).
func (v *Var) Op() string { return v.op }

// Detach returns a constant leaf sharing v's value: gradients stop there.
func (v *Var) Detach() *Var { return Const(v.Value) }

// Shape returns a copy of the value's shape.
func (v *Var) Shape() []int { return v.Value.Shape() }

// Item returns the value of a one-element variable.
func (v *Var) Item() float64 { return v.Value.Item() }

// ZeroGrad forgets the gradient accumulated on v.
func (v *Var) ZeroGrad() { v.Grad = nil }

// ---- Recording switch ---------------------------------------------------------

// disabled counts the active NoGrad scopes. The switch is process-wide:
// it is meant for one training loop at a time, which is how every chapter
// runs (the kernels below may use several goroutines; the graph is built by one).
var disabled atomic.Int32

// NoGrad runs fn with graph recording switched off: every operation inside
// returns a constant, whatever its inputs, and costs nothing beyond its
// arithmetic. Use it for evaluation, sampling, and parameter updates.
func NoGrad(fn func()) {
	disabled.Add(1)
	defer disabled.Add(-1)
	fn()
}

// IsRecording reports whether operations currently record the graph.
func IsRecording() bool { return disabled.Load() == 0 }

// withRecording runs fn with recording forced on or off, restoring the
// previous state afterwards.
func withRecording(on bool, fn func()) {
	saved := disabled.Load()
	if on {
		disabled.Store(0)
	} else {
		disabled.Store(saved + 1)
	}
	defer disabled.Store(saved)
	fn()
}

// newOp wraps the result of an operation. If recording is on and any parent
// requires a gradient, the result remembers its parents and backward
// function; otherwise it is a plain constant and the graph stops here.
func newOp(value *tensor.Tensor, op string, parents []*Var, backward backwardFunc) *Var {
	v := &Var{Value: value, op: op}
	if !IsRecording() {
		return v
	}
	for _, p := range parents {
		if p.requiresGrad {
			v.requiresGrad = true
			v.parents = parents
			v.backward = backward
			break
		}
	}
	return v
}

// lazy evaluates only the gradient functions whose need flag is set.
func lazy(need []bool, fs ...func() *Var) []*Var {
	out := make([]*Var, len(fs))
	for i, f := range fs {
		if need[i] {
			out[i] = f()
		}
	}
	return out
}
