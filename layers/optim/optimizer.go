package optim

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"ganbook/autograd"
	"ganbook/layers"
	"ganbook/tensor"
)

// Optimizer is what SGD, Adam and RMSprop have in common: a training loop
// calls ZeroGrad before the backward pass and Step after it; a learning-rate
// schedule calls SetLR; a checkpoint saves State and restores it with
// LoadState.
type Optimizer interface {
	// ZeroGrad forgets every parameter's gradient (sets p.Grad to nil), so
	// that the next Backward starts from zero instead of accumulating.
	ZeroGrad()
	// Step updates every parameter that has a gradient, in place.
	Step()
	// LR returns the learning rate.
	LR() float64
	// SetLR changes the learning rate for the following steps.
	SetLR(lr float64)
	// State returns the step count and the per-parameter state tensors
	// under stable names. The tensors share storage with the optimizer.
	State() []layers.Buffer
	// LoadState copies a state returned by State (or read from a
	// checkpoint) into the optimizer. It returns an error, and changes
	// nothing, if a name is missing or unexpected or a shape differs.
	LoadState(state []layers.Buffer) error
}

// base holds what every optimizer keeps: its parameters, learning rate,
// step count and per-parameter state tensors ("slots": Adam's m and v, one
// tensor per parameter and slot, shaped like the parameter).
type base struct {
	name      string // "SGD", "Adam", "RMSprop": for error messages
	kind      string // "sgd", "adam", "rmsprop": the prefix of state names
	params    []*autograd.Var
	lr        float64
	steps     int
	slotNames []string           // e.g. {"m", "v"}
	slots     [][]*tensor.Tensor // slots[k][i]: slot k of parameter i
}

// newBase allocates the state tensors, zero, once for all steps.
func newBase(name, kind string, params []*autograd.Var, lr float64, slotNames ...string) base {
	op := "New" + name
	checkLR(op, lr)
	for i, p := range params {
		if p == nil || p.Value == nil {
			panicf(tensor.ErrArgument, op, "parameter %d is nil", i)
		}
	}
	b := base{name: name, kind: kind, params: params, lr: lr, slotNames: slotNames}
	b.slots = make([][]*tensor.Tensor, len(slotNames))
	for k := range slotNames {
		b.slots[k] = make([]*tensor.Tensor, len(params))
		for i, p := range params {
			b.slots[k][i] = tensor.ZerosLike(p.Value)
		}
	}
	return b
}

func checkLR(op string, lr float64) {
	if !(lr >= 0) || math.IsInf(lr, 1) {
		panicf(tensor.ErrArgument, op, "learning rate %g, want a finite lr ≥ 0", lr)
	}
}

// ZeroGrad sets every parameter's Grad to nil.
func (o *base) ZeroGrad() {
	for _, p := range o.params {
		p.ZeroGrad()
	}
}

// LR returns the learning rate.
func (o *base) LR() float64 { return o.lr }

// SetLR sets the learning rate used by the following steps. It panics with
// tensor.ErrArgument unless lr is finite and ≥ 0.
func (o *base) SetLR(lr float64) {
	checkLR("SetLR", lr)
	o.lr = lr
}

// Steps returns the number of Step calls so far (restored by LoadState).
func (o *base) Steps() int { return o.steps }

// gradOf returns parameter i's gradient data, or nil if it has none (it is
// then skipped). It panics with tensor.ErrShape if the gradient's shape is
// not the parameter's. It allocates nothing.
func (o *base) gradOf(i int) []float64 {
	p := o.params[i]
	if p.Grad == nil {
		return nil
	}
	if !tensor.SameShape(p.Value, p.Grad) {
		panicf(tensor.ErrShape, o.name+".Step", "parameter %d has shape %s, its gradient %s",
			i, tensor.FormatShape(p.Value.Shape()), tensor.FormatShape(p.Grad.Shape()))
	}
	return p.Grad.Data()
}

// State lists "<kind>.step" (a scalar) and then, slot by slot, one tensor
// per parameter: "<kind>.<slot>.<i>".
func (o *base) State() []layers.Buffer {
	out := []layers.Buffer{{Name: o.kind + ".step", Tensor: tensor.Scalar(float64(o.steps))}}
	for k, name := range o.slotNames {
		for i, t := range o.slots[k] {
			out = append(out, layers.Buffer{Name: o.slotName(name, i), Tensor: t})
		}
	}
	return out
}

func (o *base) slotName(slot string, i int) string {
	return o.kind + "." + slot + "." + strconv.Itoa(i)
}

// maxExactStep is 2⁵³: every integer up to it is exact in a float64.
const maxExactStep = 1 << 53

// LoadState checks state against what State would return (the same names,
// in any order, each with the same shape, and a step count that is a whole
// number ≥ 0) and only then copies the values in. An error lists every
// problem found.
func (o *base) LoadState(state []layers.Buffer) error {
	got := make(map[string]*tensor.Tensor, len(state))
	var problems []string
	for _, s := range state {
		if s.Tensor == nil {
			problems = append(problems, fmt.Sprintf("%q is nil", s.Name))
			continue
		}
		if _, dup := got[s.Name]; dup {
			problems = append(problems, fmt.Sprintf("%q appears twice", s.Name))
		}
		got[s.Name] = s.Tensor
	}
	want := o.State()
	expected := make(map[string]bool, len(want))
	for _, w := range want {
		expected[w.Name] = true
		t, ok := got[w.Name]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("missing %q", w.Name))
		case !tensor.SameShape(t, w.Tensor):
			problems = append(problems, fmt.Sprintf("%q has shape %s, want %s",
				w.Name, tensor.FormatShape(t.Shape()), tensor.FormatShape(w.Tensor.Shape())))
		}
	}
	var extra []string
	for name := range got {
		if !expected[name] {
			extra = append(extra, fmt.Sprintf("unexpected %q", name))
		}
	}
	sort.Strings(extra)
	problems = append(problems, extra...)
	steps := 0
	if t, ok := got[o.kind+".step"]; ok && t.Len() == 1 {
		s := t.Data()[0]
		if s < 0 || s > maxExactStep || s != math.Trunc(s) {
			problems = append(problems, fmt.Sprintf("%q is %g, want a whole number ≥ 0", o.kind+".step", s))
		}
		steps = int(s)
	}
	if len(problems) > 0 {
		return fmt.Errorf("optim: %s.LoadState: %s", o.name, strings.Join(problems, "; "))
	}
	o.steps = steps
	for k, name := range o.slotNames {
		for i, t := range o.slots[k] {
			copy(t.Data(), got[o.slotName(name, i)].Data())
		}
	}
	return nil
}
