package autograd

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// ---- Second order with a varying incoming gradient ---------------------------------
//
// GradGradCheck on an op alone differentiates the op's backward function
// with respect to the op's inputs only: the gradient g it receives is the
// constant w of L = Σ w ⊙ f(x). For a linear op (Transpose, Pad, SumPool2D,
// a matrix product in one argument, ...) that check is vacuous, both
// sides are 0; and for every op it leaves out the derivative of the
// backward function with respect to g, which double backpropagation needs
// whenever the op is not the last one (a layer under an activation, a
// critic under the penalty's norm). A backward function that computed its
// result from g.Value with raw tensor arithmetic would pass both checks
// and still cut the graph there.
//
// So every case is checked again squared, y ⊙ y with y = f(x): the
// gradient reaching f's output is then 2·w ⊙ y, a function of x, and the
// second-order check runs through the derivative of f's backward function
// with respect to it.

// squaredCases returns every op case and convolution case with its output
// squared.
func squaredCases() []opCase {
	var out []opCase
	for _, c := range append(opCases(), convOpCases()...) {
		f := c.f
		out = append(out, opCase{c.name + " squared", func(x []*Var) *Var {
			y := f(x)
			return Mul(y, y)
		}, c.in})
	}
	return out
}

func TestOpsSecondOrderWithVaryingIncomingGradient(t *testing.T) {
	for _, c := range squaredCases() {
		t.Run(c.name, func(t *testing.T) {
			require.NoError(t, GradGradCheck(c.name, c.f, c.in, DefaultTolerance))
		})
	}
}
