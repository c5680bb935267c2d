package autograd

import (
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
			tensor.Panicf(tensor.ErrArgument, "Grad", "input %d (%s %s) does not require a gradient", i, in.op, tensor.FormatShape(in.Value.Shape()))
		}
	}
	isInput := make(map[*Var]bool, len(inputs))
	for _, in := range inputs {
		isInput[in] = true
	}
	var grads map[*Var]*Var
	withRecording(createGraph, func() {
		grads = backprop(outputs, func(v *Var) bool { return isInput[v] })
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
		grads = backprop([]*Var{v}, func(u *Var) bool { return u.IsLeaf() })
	})
	for leaf, g := range grads {
		if leaf.Grad == nil {
			leaf.Grad = g.Value.Clone()
		} else {
			tensor.AddInplace(leaf.Grad, g.Value)
		}
	}
}

// backprop runs the reverse pass from outputs (each seeded with ones, so
// the result is the gradient of the sum of their elements) and returns the
// gradients of the nodes for which target is true.
func backprop(outputs []*Var, target func(*Var) bool) map[*Var]*Var {
	order := topoSort(outputs)

	// A node needs a gradient if it is a target or if one of its parents
	// does: work on other branches (a weight's gradient when only the
	// input's is asked for) is skipped.
	needed := make(map[*Var]bool, len(order))
	for _, v := range order {
		if target(v) {
			needed[v] = true
			continue
		}
		for _, p := range v.parents {
			if needed[p] {
				needed[v] = true
				break
			}
		}
	}

	grads := make(map[*Var]*Var, len(order))
	for _, out := range outputs {
		if needed[out] {
			accumulate(grads, out, Const(tensor.Full(1, out.Value.Shape()...)))
		}
	}
	result := make(map[*Var]*Var)
	for i := len(order) - 1; i >= 0; i-- {
		v := order[i]
		g := grads[v]
		if g == nil {
			continue
		}
		delete(grads, v) // every consumer of v has been visited: free it early
		if target(v) {
			result[v] = g
		}
		if v.backward == nil {
			continue
		}
		need := make([]bool, len(v.parents))
		wanted := false
		for j, p := range v.parents {
			need[j] = needed[p]
			wanted = wanted || need[j]
		}
		if !wanted {
			continue
		}
		for j, pg := range v.backward(g, need) {
			if need[j] && pg != nil {
				accumulate(grads, v.parents[j], pg)
			}
		}
	}
	return result
}

func accumulate(grads map[*Var]*Var, v, g *Var) {
	if prev := grads[v]; prev != nil {
		grads[v] = Add(prev, g)
	} else {
		grads[v] = g
	}
}

// topoSort lists the nodes that require gradients and lead to outputs,
// every node after its parents. It is an iterative depth-first search: the
// explicit stack holds each open node and the index of the next parent to
// visit.
func topoSort(outputs []*Var) []*Var {
	type frame struct {
		v    *Var
		next int
	}
	visited := make(map[*Var]bool)
	var order []*Var
	var stack []frame
	for _, out := range outputs {
		if !out.requiresGrad || visited[out] {
			continue
		}
		visited[out] = true
		stack = append(stack, frame{v: out})
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			if top.next < len(top.v.parents) {
				p := top.v.parents[top.next]
				top.next++
				if p.requiresGrad && !visited[p] {
					visited[p] = true
					stack = append(stack, frame{v: p})
				}
				continue
			}
			order = append(order, top.v)
			stack = stack[:len(stack)-1]
		}
	}
	return order
}
