package gan

import (
	"ganbook/autograd"
	"ganbook/tensor"
)

// ---- Improved techniques for training GANs (Salimans et al. 2016, arXiv 1606.03498) ----
//
// Minibatch discrimination and virtual batch normalisation are layers
// (layers.MinibatchDiscrimination, layers.VirtualBatchNorm); the other
// tricks of the paper are here.

// FeatureMatching is the generator objective of §3.1 (arXiv 1606.03498):
// instead of fooling D, G matches the mean of an intermediate feature
// f(x) of D on real and on generated data,
//
//	‖E_x f(x) − E_z f(G(z))‖₂²,
//
// estimated with the batch means of realFeatures (N, F) and fakeFeatures
// (M, F), F features per sample (further dimensions are flattened into F).
// The paper treats the real statistics as fixed targets; pass
// realFeatures computed without a graph (or Detach them) to do the same,
// otherwise the gradient flows into both. It panics with tensor.ErrShape
// if the batches do not have the same number of features.
func FeatureMatching(realFeatures, fakeFeatures *autograd.Var) *autograd.Var {
	rs, fs := realFeatures.Value.Shape(), fakeFeatures.Value.Shape()
	if len(rs) < 2 || len(fs) < 2 || realFeatures.Value.Len()/rs[0] != fakeFeatures.Value.Len()/fs[0] {
		panicf(tensor.ErrShape, "FeatureMatching", "real %s, fake %s: want (N,F) and (M,F)",
			tensor.FormatShape(rs), tensor.FormatShape(fs))
	}
	diff := autograd.Sub(autograd.Mean(autograd.Flatten(realFeatures), 0), autograd.Mean(autograd.Flatten(fakeFeatures), 0)) // (F)
	return autograd.Sum(autograd.Square(diff))
}

// OneSidedLabelSmoothing is the non-saturating GAN with D's target on
// real data lowered from 1 to Real (§3.4 of arXiv 1606.03498; the paper
// uses 0.9), while the target on generated data stays 0: smoothing the
// fake targets as well would move D's optimum towards the generator's
// density where data is rare. On logits ℓ, BCE with target t is
// t·softplus(−ℓ) + (1 − t)·softplus(ℓ), so
//
//	D minimises mean[Real·softplus(−ℓ_real) + (1 − Real)·softplus(ℓ_real)] + mean softplus(ℓ_fake)
//	G minimises mean softplus(−ℓ_fake)   (as NonSaturating)
//
// The optimal discriminator becomes D*(x) = Real·p(x)/(p(x) + q(x)).
// D panics with tensor.ErrArgument unless 0 < Real ≤ 1 (the zero value is
// not usable: build it as OneSidedLabelSmoothing{Real: 0.9}).
type OneSidedLabelSmoothing struct {
	Real float64 // the target on real data, 0.9 in the paper
}

// D returns the smoothed discriminator loss above.
func (l OneSidedLabelSmoothing) D(real, fake *autograd.Var) *autograd.Var {
	if !(l.Real > 0 && l.Real <= 1) {
		panicf(tensor.ErrArgument, "OneSidedLabelSmoothing.D", "real target %g, want 0 < target ≤ 1", l.Real)
	}
	onReal := autograd.Add(
		autograd.Scale(autograd.Softplus(autograd.Neg(real)), l.Real),
		autograd.Scale(autograd.Softplus(real), 1-l.Real))
	return autograd.Add(autograd.Mean(onReal), autograd.Mean(autograd.Softplus(fake)))
}

// G returns mean softplus(−ℓ_fake); real is not used and may be nil.
func (OneSidedLabelSmoothing) G(_, fake *autograd.Var) *autograd.Var {
	return NonSaturating{}.G(nil, fake)
}

// HistoricalAverage keeps the running average of a player's parameters
// for the historical averaging penalty of §3.3 (arXiv 1606.03498):
//
//	Σ_p ‖θ_p − (1/t)·Σ_{i=1..t} θ_p[i]‖²,
//
// summed over the parameters p, where θ[i] are the values recorded by the
// t calls of Record so far. Penalty treats the average as a constant, so
// its gradient is 2(θ − θ̄). Use: add λ·Penalty(params) to the player's
// loss, step, then Record(params).
type HistoricalAverage struct {
	sums  []*tensor.Tensor // Σ_i θ_p[i], one per parameter
	count int              // t
}

// Record adds the current parameter values to the running sums. The first
// call fixes the number and shapes of the parameters; later calls panic
// with tensor.ErrArgument or tensor.ErrShape if they differ.
func (h *HistoricalAverage) Record(params []*autograd.Var) {
	if h.sums == nil {
		for _, p := range params {
			h.sums = append(h.sums, p.Value.Clone())
		}
		h.count = 1
		return
	}
	h.check("HistoricalAverage.Record", params)
	for i, p := range params {
		tensor.AddInplace(h.sums[i], p.Value)
	}
	h.count++
}

// Count returns t, the number of recorded snapshots.
func (h *HistoricalAverage) Count() int { return h.count }

// Average returns a copy of (1/t)·Σ θ_p[i] for every parameter, or nil
// before the first Record.
func (h *HistoricalAverage) Average() []*tensor.Tensor {
	if h.sums == nil {
		return nil
	}
	out := make([]*tensor.Tensor, len(h.sums))
	for i, s := range h.sums {
		out[i] = tensor.Scale(s, 1/float64(h.count))
	}
	return out
}

// Penalty returns Σ_p ‖θ_p − θ̄_p‖², differentiable with respect to the
// parameters, the average θ̄ held constant. Before the first Record it is
// 0 (there is no history yet). It panics like Record if the parameters
// do not match the recorded ones.
func (h *HistoricalAverage) Penalty(params []*autograd.Var) *autograd.Var {
	total := autograd.Scalar(0)
	if h.sums == nil {
		return total
	}
	h.check("HistoricalAverage.Penalty", params)
	for i, avg := range h.Average() {
		total = autograd.Add(total, autograd.Sum(autograd.Square(autograd.Sub(params[i], autograd.Const(avg)))))
	}
	return total
}

// check panics unless params match the recorded parameters in number and
// shape.
func (h *HistoricalAverage) check(op string, params []*autograd.Var) {
	if len(params) != len(h.sums) {
		panicf(tensor.ErrArgument, op, "%d parameters, %d recorded", len(params), len(h.sums))
	}
	for i, p := range params {
		if !tensor.SameShape(p.Value, h.sums[i]) {
			panicf(tensor.ErrShape, op, "parameter %d has shape %s, recorded %s",
				i, tensor.FormatShape(p.Value.Shape()), tensor.FormatShape(h.sums[i].Shape()))
		}
	}
}
