package metrics

import (
	"ganbook/autograd"
	"ganbook/tensor"
)

// W1ExactVar returns the exact Wasserstein-1 distance of W1Exact between
// the points a (n, d), a variable, and b (n, d), as a differentiable
// function of a: the optimal matching σ is found on the values
// (Assignment) and held fixed, and
//
//	W₁ = (1/n) · Σᵢ √(‖aᵢ − b_σ(i)‖² + ε),   ε = 10⁻¹²,
//
// is built from autograd operations. W₁ is the minimum over matchings of
// their mean cost, so where the optimal matching is unique, moving a a
// little leaves it optimal and the gradient of this expression is W₁'s
// gradient (the envelope theorem; Danskin's theorem at ties). ε keeps the
// derivative finite where a point sits on its partner, and moves the value
// by at most 10⁻⁶ per such pair. It panics like Assignment.
func W1ExactVar(a *autograd.Var, b *tensor.Tensor) *autograd.Var {
	match := Assignment(a.Value, b)                                                          // a's row i goes with b's row match[i]
	partners := tensor.IndexSelect(b, 0, match)                                              // (n, d): b_σ(i) in a's order
	diff := autograd.Sub(a, autograd.Const(partners))                                        // (n, d)
	dist := autograd.Sqrt(autograd.AddScalar(autograd.Sum(autograd.Square(diff), 1), 1e-12)) // (n)
	return autograd.Mean(dist)
}
