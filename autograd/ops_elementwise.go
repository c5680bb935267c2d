package autograd

import "ganbook/tensor"

// ---- Binary operations with broadcasting ------------------------------------
//
// Each returns a new Var; the gradient reaching an operand that was
// broadcast is summed back to the operand's shape (SumTo).

// Add returns a + b, broadcasting. ∂/∂a = 1, ∂/∂b = 1.
func Add(a, b *Var) *Var {
	return newOp(tensor.Add(a.Value, b.Value), "Add", []*Var{a, b}, func(g *Var, need []bool) []*Var {
		return lazy(need,
			func() *Var { return SumTo(g, a.Value.Shape()...) },
			func() *Var { return SumTo(g, b.Value.Shape()...) })
	})
}

// Sub returns a − b, broadcasting. ∂/∂a = 1, ∂/∂b = −1.
func Sub(a, b *Var) *Var {
	return newOp(tensor.Sub(a.Value, b.Value), "Sub", []*Var{a, b}, func(g *Var, need []bool) []*Var {
		return lazy(need,
			func() *Var { return SumTo(g, a.Value.Shape()...) },
			func() *Var { return SumTo(Neg(g), b.Value.Shape()...) })
	})
}

// Mul returns a ⊙ b, broadcasting. ∂/∂a = b, ∂/∂b = a.
func Mul(a, b *Var) *Var {
	return newOp(tensor.Mul(a.Value, b.Value), "Mul", []*Var{a, b}, func(g *Var, need []bool) []*Var {
		return lazy(need,
			func() *Var { return SumTo(Mul(g, b), a.Value.Shape()...) },
			func() *Var { return SumTo(Mul(g, a), b.Value.Shape()...) })
	})
}

// Div returns a / b, broadcasting. ∂/∂a = 1/b, ∂/∂b = −a/b².
func Div(a, b *Var) *Var {
	return newOp(tensor.Div(a.Value, b.Value), "Div", []*Var{a, b}, func(g *Var, need []bool) []*Var {
		return lazy(need,
			func() *Var { return SumTo(Div(g, b), a.Value.Shape()...) },
			func() *Var { return SumTo(Neg(Div(Mul(g, a), Mul(b, b))), b.Value.Shape()...) })
	})
}

// Maximum returns max(a, b) element-wise, broadcasting. The gradient goes to
// a where a ≥ b and to b elsewhere (ties go to a).
func Maximum(a, b *Var) *Var {
	out := tensor.Maximum(a.Value, b.Value)
	return newOp(out, "Maximum", []*Var{a, b}, func(g *Var, need []bool) []*Var {
		shape := out.Shape()
		mask := tensor.GreaterEqual(tensor.BroadcastTo(a.Value, shape...), tensor.BroadcastTo(b.Value, shape...))
		return selectGrads(g, mask, a, b, need)
	})
}

// Minimum returns min(a, b) element-wise, broadcasting. The gradient goes to
// a where a ≤ b and to b elsewhere (ties go to a).
func Minimum(a, b *Var) *Var {
	out := tensor.Minimum(a.Value, b.Value)
	return newOp(out, "Minimum", []*Var{a, b}, func(g *Var, need []bool) []*Var {
		shape := out.Shape()
		mask := tensor.GreaterEqual(tensor.BroadcastTo(b.Value, shape...), tensor.BroadcastTo(a.Value, shape...))
		return selectGrads(g, mask, a, b, need)
	})
}

// Where returns a where cond ≠ 0 and b elsewhere; cond is a constant mask
// and the three shapes must be equal. ∂/∂a = cond, ∂/∂b = 1 − cond.
func Where(cond *tensor.Tensor, a, b *Var) *Var {
	return newOp(tensor.Where(cond, a.Value, b.Value), "Where", []*Var{a, b}, func(g *Var, need []bool) []*Var {
		return selectGrads(g, cond, a, b, need)
	})
}

// selectGrads routes g to a where mask is 1 and to b where it is 0.
func selectGrads(g *Var, mask *tensor.Tensor, a, b *Var, need []bool) []*Var {
	return lazy(need,
		func() *Var { return SumTo(Mul(g, Const(mask)), a.Value.Shape()...) },
		func() *Var { return SumTo(Mul(g, Const(tensor.AddScalar(tensor.Neg(mask), 1))), b.Value.Shape()...) })
}

// ---- Unary operations -----------------------------------------------------------

// Neg returns −x.
func Neg(x *Var) *Var { return Scale(x, -1) }

// Scale returns c·x for a constant c. ∂/∂x = c.
func Scale(x *Var, c float64) *Var {
	return newOp(tensor.Scale(x.Value, c), "Scale", []*Var{x}, func(g *Var, _ []bool) []*Var {
		return []*Var{Scale(g, c)}
	})
}

// AddScalar returns x + c for a constant c. ∂/∂x = 1.
func AddScalar(x *Var, c float64) *Var {
	return newOp(tensor.AddScalar(x.Value, c), "AddScalar", []*Var{x}, func(g *Var, _ []bool) []*Var {
		return []*Var{g}
	})
}

// Exp returns eˣ. ∂/∂x = eˣ, the output itself.
func Exp(x *Var) *Var {
	var out *Var
	out = newOp(tensor.Exp(x.Value), "Exp", []*Var{x}, func(g *Var, _ []bool) []*Var {
		return []*Var{Mul(g, out)}
	})
	return out
}

// Log returns the natural logarithm. ∂/∂x = 1/x.
func Log(x *Var) *Var {
	return newOp(tensor.Log(x.Value), "Log", []*Var{x}, func(g *Var, _ []bool) []*Var {
		return []*Var{Div(g, x)}
	})
}

// Sqrt returns √x. ∂/∂x = 1/(2√x).
func Sqrt(x *Var) *Var {
	var out *Var
	out = newOp(tensor.Sqrt(x.Value), "Sqrt", []*Var{x}, func(g *Var, _ []bool) []*Var {
		return []*Var{Scale(Div(g, out), 0.5)}
	})
	return out
}

// Pow returns xᵖ for a constant exponent p. ∂/∂x = p·xᵖ⁻¹.
func Pow(x *Var, p float64) *Var {
	return newOp(tensor.Pow(x.Value, p), "Pow", []*Var{x}, func(g *Var, _ []bool) []*Var {
		if p == 1 {
			return []*Var{g}
		}
		return []*Var{Mul(g, Scale(Pow(x, p-1), p))}
	})
}

// Square returns x². ∂/∂x = 2x.
func Square(x *Var) *Var { return Pow(x, 2) }

// Abs returns |x|. ∂/∂x = sign(x) (0 at 0).
func Abs(x *Var) *Var {
	return newOp(tensor.Abs(x.Value), "Abs", []*Var{x}, func(g *Var, _ []bool) []*Var {
		return []*Var{Mul(g, Const(tensor.Sign(x.Value)))}
	})
}

// Tanh returns tanh x. ∂/∂x = 1 − tanh²x, applied as tanhGrad in one
// pass.
func Tanh(x *Var) *Var {
	var out *Var
	out = newOp(tensor.Tanh(x.Value), "Tanh", []*Var{x}, func(g *Var, _ []bool) []*Var {
		return []*Var{tanhGrad(g, out)}
	})
	return out
}

// tanhGrad returns g ⊙ (1 − y²) for y = tanh(x). It is linear in g, and
// depends on y: ∂/∂g = tanhGrad of the incoming gradient, ∂/∂y = −2·gg⊙g⊙y.
func tanhGrad(g, y *Var) *Var {
	return newOp(tensor.TanhGrad(g.Value, y.Value), "TanhGrad", []*Var{g, y}, func(gg *Var, need []bool) []*Var {
		return lazy(need,
			func() *Var { return tanhGrad(gg, y) },
			func() *Var { return Scale(Mul(Mul(gg, g), y), -2) })
	})
}

// Sigmoid returns σ(x) = 1/(1 + e⁻ˣ), computed without overflow.
// ∂/∂x = σ(x)(1 − σ(x)).
func Sigmoid(x *Var) *Var {
	var out *Var
	out = newOp(tensor.Sigmoid(x.Value), "Sigmoid", []*Var{x}, func(g *Var, _ []bool) []*Var {
		return []*Var{Mul(g, Mul(out, AddScalar(Neg(out), 1)))}
	})
	return out
}

// Softplus returns log(1 + eˣ), computed stably. ∂/∂x = σ(x). GAN losses on
// logits use it: −log σ(x) = softplus(−x), −log(1 − σ(x)) = softplus(x).
func Softplus(x *Var) *Var {
	return newOp(tensor.Softplus(x.Value), "Softplus", []*Var{x}, func(g *Var, _ []bool) []*Var {
		return []*Var{Mul(g, Sigmoid(x))}
	})
}

// ReLU returns max(x, 0). ∂/∂x = 1 for x > 0 and 0 otherwise: the
// backward pass is reluGrad, g ⊙ H(x) in one pass. The step H(x) is
// constant away from the kink, so the second derivative is 0.
func ReLU(x *Var) *Var {
	return newOp(tensor.ReLU(x.Value), "ReLU", []*Var{x}, func(g *Var, _ []bool) []*Var {
		return []*Var{reluGrad(g, x.Value)}
	})
}

// reluGrad returns g ⊙ H(x), H the Heaviside step, for a constant x: it
// is linear in g, so its own gradient is reluGrad of the incoming one.
func reluGrad(g *Var, x *tensor.Tensor) *Var {
	return newOp(tensor.ReLUGrad(g.Value, x), "ReLUGrad", []*Var{g}, func(gg *Var, _ []bool) []*Var {
		return []*Var{reluGrad(gg, x)}
	})
}

// LeakyReLU returns x for x > 0 and slope·x otherwise.
// ∂/∂x = 1 for x > 0 and slope otherwise (leakyReLUGrad, in one pass).
func LeakyReLU(x *Var, slope float64) *Var {
	return newOp(tensor.LeakyReLU(x.Value, slope), "LeakyReLU", []*Var{x}, func(g *Var, _ []bool) []*Var {
		return []*Var{leakyReLUGrad(g, x.Value, slope)}
	})
}

// leakyReLUGrad returns g where x > 0 and slope·g elsewhere, for a constant
// x; like reluGrad it is linear in g and its own backward pass.
func leakyReLUGrad(g *Var, x *tensor.Tensor, slope float64) *Var {
	return newOp(tensor.LeakyReLUGrad(g.Value, x, slope), "LeakyReLUGrad", []*Var{g}, func(gg *Var, _ []bool) []*Var {
		return []*Var{leakyReLUGrad(gg, x, slope)}
	})
}

// Clamp returns min(max(x, lo), hi). ∂/∂x = 1 strictly inside (lo, hi) and
// 0 outside.
func Clamp(x *Var, lo, hi float64) *Var {
	return newOp(tensor.Clamp(x.Value, lo, hi), "Clamp", []*Var{x}, func(g *Var, _ []bool) []*Var {
		inside := tensor.Map(x.Value, func(v float64) float64 {
			if v > lo && v < hi {
				return 1
			}
			return 0
		})
		return []*Var{Mul(g, Const(inside))}
	})
}
