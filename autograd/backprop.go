package autograd

import (
	"unsafe"

	"ganbook/tensor"
)

// ---- Reverse-mode differentiation ----------------------------------------------
//
// Backpropagation visits the graph twice. A depth-first walk from the
// outputs lists every node after all of its parents (a topological order);
// the walk keeps its own stack, so a chain of a million operations needs no
// deep Go recursion. Then the nodes are visited in reverse order: each one
// receives the sum of the gradients its consumers sent it, and its backward
// function sends gradients on to its parents.

// Grad returns the gradients of the sum of the outputs' elements with
// respect to each input, like PyTorch's torch.autograd.grad. Leaves'
// accumulated Grad fields are neither read nor changed.
//
// With createGraph false the backward pass runs with recording off and the
// gradients are constants: the cost is that of one backward pass. With
// createGraph true the backward pass is itself recorded, so the gradients
// are functions of the inputs that can be differentiated again: this is the
// double backpropagation of the WGAN-GP and DRAGAN penalties and of unrolled
// GANs.
//
// An input the outputs do not depend on gets a zero gradient. Grad panics
// with tensor.ErrArgument if an input does not require a gradient.
func Grad(outputs, inputs []*Var, createGraph bool) []*Var {
	for i, in := range inputs {
		if !in.requiresGrad {
			panicf(tensor.ErrArgument, "Grad", "input %d (%s %s) does not require a gradient", i, in.op, tensor.FormatShape(in.Value.Shape()))
		}
	}
	isInput := make(map[*Var]bool, len(inputs))
	for _, in := range inputs {
		isInput[in] = true
	}
	var grads map[*Var]*Var
	withRecording(createGraph, func() {
		grads = backprop(outputs, func(v *Var) bool { return isInput[v] }, !createGraph)
	})
	out := make([]*Var, len(inputs))
	for i, in := range inputs {
		if g := grads[in]; g != nil {
			out[i] = g
		} else {
			out[i] = Const(tensor.ZerosLike(in.Value))
		}
	}
	return out
}

// Backward computes the gradient of the sum of v's elements with respect to
// every leaf that requires one and adds it to that leaf's Grad field
// (allocating it on first use), as PyTorch's loss.backward(). The backward
// pass records nothing.
func (v *Var) Backward() {
	var grads map[*Var]*Var
	withRecording(false, func() {
		grads = backprop([]*Var{v}, func(u *Var) bool { return u.IsLeaf() }, true)
	})
	// The gradients were made by this pass and nothing else holds them,
	// except that one may reach two leaves (y = a + b passes g to both).
	shared := make(map[*float64]int, len(grads))
	for _, g := range grads {
		shared[storage(g.Value)]++
	}
	for leaf, g := range grads {
		alone := shared[storage(g.Value)] == 1
		switch {
		case leaf.Grad == nil && alone:
			leaf.Grad = g.Value // the leaf keeps it, no copy
		case leaf.Grad == nil:
			leaf.Grad = g.Value.Clone()
		default:
			tensor.AddInplace(leaf.Grad, g.Value)
			if alone {
				tensor.Recycle(g.Value)
			}
		}
	}
}

// backprop runs the reverse pass from outputs (each seeded with ones, so
// the result is the gradient of the sum of their elements) and returns the
// gradients of the nodes for which target is true. With recycle set (the
// backward pass is not recorded), the gradients it makes and consumes
// itself go back to the tensor package for reuse (see pass).
func backprop(outputs []*Var, target func(*Var) bool, recycle bool) map[*Var]*Var {
	p := newPass(outputs, recycle)

	// A node needs a gradient if it is a target or if one of its parents
	// does: work on other branches (a weight's gradient when only the
	// input's is asked for) is skipped.
	needed := make([]bool, len(p.order))
	for i, v := range p.order {
		if target(v) {
			needed[i] = true
			continue
		}
		for _, par := range v.parents {
			if j, ok := p.index[par]; ok && needed[j] {
				needed[i] = true
				break
			}
		}
	}

	for _, out := range outputs {
		if i, ok := p.index[out]; ok && needed[i] {
			p.accumulate(i, Const(tensor.Full(1, out.Value.Shape()...)))
		}
	}
	result := make(map[*Var]*Var)
	var need []bool
	for i := len(p.order) - 1; i >= 0; i-- {
		v, g := p.order[i], p.grads[i]
		if g == nil {
			continue
		}
		p.grads[i] = nil // every consumer of v has been visited
		isTarget := target(v)
		if isTarget {
			result[v] = g // held until the end: the caller's
		}
		if v.backward != nil {
			need = need[:0]
			wanted := false
			for _, par := range v.parents {
				j, ok := p.index[par]
				n := ok && needed[j]
				need = append(need, n)
				wanted = wanted || n
			}
			if wanted {
				for j, pg := range v.backward(g, need) {
					if need[j] && pg != nil {
						p.accumulate(p.index[v.parents[j]], pg)
					}
				}
			}
		}
		if !isTarget {
			p.release(g)
		}
	}
	return result
}

// ---- One backward pass ------------------------------------------------------------

// pass is the state of one backward pass: the nodes in topological order,
// the gradient waiting at each, and, when recycling, how many of the
// pass's own references each gradient's storage has.
//
// Recycling. When the backward pass is not recorded, every gradient it
// handles was made by it: by the seeds, by backward functions (which build
// fresh tensors from g and the forward values), or as a view of one of
// those (Reshape, or g passed on unchanged, as Add's backward does). No
// forward value and nothing the caller holds is among them; the tests
// check this on every operation (verifyRecycling). So once the last
// reference the pass holds to a gradient's storage is gone, the storage
// can be recycled (tensor.Recycle), and a gradient that is the only
// reference to its storage can take further contributions in place. With
// the backward pass recorded (createGraph), gradients become part of the
// new graph and nothing is recycled.
type pass struct {
	order   []*Var
	index   map[*Var]int
	grads   []*Var
	recycle bool
	refs    map[*float64]int // storage → references held by the pass

	forward map[*float64]bool // with verifyRecycling: storage of forward values
}

// verifyRecycling makes every pass check that it never recycles the
// storage of a forward value. The package's tests switch it on.
var verifyRecycling = false

func newPass(outputs []*Var, recycle bool) *pass {
	order, index := topoSort(outputs)
	p := &pass{order: order, index: index, grads: make([]*Var, len(order)), recycle: recycle}
	if recycle {
		p.refs = make(map[*float64]int)
	}
	if recycle && verifyRecycling {
		p.forward = make(map[*float64]bool)
		for _, v := range order {
			p.forward[storage(v.Value)] = true
			for _, par := range v.parents {
				p.forward[storage(par.Value)] = true
			}
		}
	}
	return p
}

// storage identifies a tensor's storage by its first element (nil when
// empty); Reshape views share it.
func storage(t *tensor.Tensor) *float64 { return unsafe.SliceData(t.Data()) }

// accumulate adds the gradient contribution g to node i's pending sum.
func (p *pass) accumulate(i int, g *Var) {
	prev := p.grads[i]
	if prev == nil {
		p.grads[i] = g
		p.hold(g)
		return
	}
	if p.recycle && p.refs[storage(prev.Value)] == 1 && tensor.SameShape(prev.Value, g.Value) {
		// prev is only referenced here: add in place, the same sum as Add.
		tensor.AddInplace(prev.Value, g.Value)
		p.discard(g)
		return
	}
	p.grads[i] = Add(prev, g)
	p.hold(p.grads[i])
	p.release(prev)
	p.discard(g)
}

// hold counts one more reference to g's storage.
func (p *pass) hold(g *Var) {
	if s := storage(g.Value); p.recycle && s != nil {
		p.refs[s]++
	}
}

// release drops one of the pass's references to g's storage, and recycles
// the storage when none is left.
func (p *pass) release(g *Var) {
	s := storage(g.Value)
	if !p.recycle || s == nil {
		return
	}
	if n := p.refs[s]; n > 1 {
		p.refs[s] = n - 1
		return
	}
	delete(p.refs, s)
	p.recycleStorage(g)
}

// discard recycles a gradient the pass never held, once used, unless its
// storage is held after all (it is a view of a held gradient).
func (p *pass) discard(g *Var) {
	if s := storage(g.Value); p.recycle && s != nil && p.refs[s] == 0 {
		p.recycleStorage(g)
	}
}

func (p *pass) recycleStorage(g *Var) {
	if p.forward[storage(g.Value)] {
		panic("autograd: internal error: recycling the storage of a forward value (" + g.op + ")")
	}
	tensor.Recycle(g.Value)
}

// topoSort lists the nodes that require gradients and lead to outputs,
// every node after its parents, and the position of each in the list. It
// is an iterative depth-first search: the explicit stack holds each open
// node and the index of the next parent to visit.
func topoSort(outputs []*Var) ([]*Var, map[*Var]int) {
	type frame struct {
		v    *Var
		next int
	}
	const open = -1 // visited, not yet placed in the order
	index := make(map[*Var]int)
	var order []*Var
	var stack []frame
	for _, out := range outputs {
		if !out.requiresGrad {
			continue
		}
		if _, seen := index[out]; seen {
			continue
		}
		index[out] = open
		stack = append(stack, frame{v: out})
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			if top.next < len(top.v.parents) {
				par := top.v.parents[top.next]
				top.next++
				if _, seen := index[par]; par.requiresGrad && !seen {
					index[par] = open
					stack = append(stack, frame{v: par})
				}
				continue
			}
			index[top.v] = len(order)
			order = append(order, top.v)
			stack = stack[:len(stack)-1]
		}
	}
	return order, index
}
