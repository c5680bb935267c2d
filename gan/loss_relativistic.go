package gan

import (
	"ganbook/autograd"
	"ganbook/tensor"
)

// The relativistic discriminators (Jolicoeur-Martineau 2018, arXiv
// 1807.00734) do not judge a sample alone: with C the raw logit, they
// estimate how much more realistic real data is than generated data. The
// generator then also has a gradient through the real samples' logits,
// which is why Loss.G receives the real batch. BCE(ℓ, 1) = softplus(−ℓ)
// and BCE(ℓ, 0) = softplus(ℓ), as in Minimax.

// RelativisticStandard is RSGAN (arXiv 1807.00734, eqs. 8–9): D(x_r, x_f)
// = σ(C(x_r) − C(x_f)) for paired samples,
//
//	D minimises E[BCE(C(x_r) − C(x_f), 1)] = mean softplus(−(C(x_r) − C(x_f)))
//	G minimises E[BCE(C(x_f) − C(x_r), 1)] = mean softplus(−(C(x_f) − C(x_r)))
//
// Real and fake logits are paired row by row, so both must have the same
// shape (N, 1); D and G panic with tensor.ErrShape otherwise, and with
// tensor.ErrArgument if real is nil.
type RelativisticStandard struct{}

// D returns mean softplus(C(x_f) − C(x_r)).
func (RelativisticStandard) D(real, fake *autograd.Var) *autograd.Var {
	checkPaired("RelativisticStandard.D", real, fake)
	return autograd.Mean(autograd.Softplus(autograd.Sub(fake, real)))
}

// G returns mean softplus(C(x_r) − C(x_f)).
func (RelativisticStandard) G(real, fake *autograd.Var) *autograd.Var {
	checkPaired("RelativisticStandard.G", real, fake)
	return autograd.Mean(autograd.Softplus(autograd.Sub(real, fake)))
}

// RelativisticAverage is RaSGAN (arXiv 1807.00734, eqs. 12–13 and the
// official code): each sample is compared with the average logit of the
// other kind,
//
//	D minimises ½·[E BCE(C(x_r) − mean C(x_f), 1) + E BCE(C(x_f) − mean C(x_r), 0)]
//	G minimises ½·[E BCE(C(x_r) − mean C(x_f), 0) + E BCE(C(x_f) − mean C(x_r), 1)]
//
// The means are part of the graph: gradients flow through them. Real and
// fake batches may have different sizes; D and G panic with
// tensor.ErrArgument if real is nil.
type RelativisticAverage struct{}

// D returns ½·[mean softplus(−(C_r − m_f)) + mean softplus(C_f − m_r)],
// with m_r, m_f the mean real and fake logits.
func (RelativisticAverage) D(real, fake *autograd.Var) *autograd.Var {
	requireReal("RelativisticAverage.D", real)
	r, f := relativeToAverage(real, fake)
	return autograd.Scale(autograd.Add(
		autograd.Mean(autograd.Softplus(autograd.Neg(r))),
		autograd.Mean(autograd.Softplus(f))), 0.5)
}

// G returns ½·[mean softplus(C_r − m_f) + mean softplus(−(C_f − m_r))].
func (RelativisticAverage) G(real, fake *autograd.Var) *autograd.Var {
	requireReal("RelativisticAverage.G", real)
	r, f := relativeToAverage(real, fake)
	return autograd.Scale(autograd.Add(
		autograd.Mean(autograd.Softplus(r)),
		autograd.Mean(autograd.Softplus(autograd.Neg(f)))), 0.5)
}

// relativeToAverage returns C_r − mean C_f and C_f − mean C_r.
func relativeToAverage(real, fake *autograd.Var) (r, f *autograd.Var) {
	return autograd.Sub(real, autograd.Mean(fake)), autograd.Sub(fake, autograd.Mean(real))
}

// checkPaired panics unless real and fake have the same shape.
func checkPaired(op string, real, fake *autograd.Var) {
	requireReal(op, real)
	if !tensor.SameShape(real.Value, fake.Value) {
		panicf(tensor.ErrShape, op, "real %s, fake %s: paired logits need equal shapes",
			tensor.FormatShape(real.Value.Shape()), tensor.FormatShape(fake.Value.Shape()))
	}
}
