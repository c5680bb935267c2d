package gan

import (
	"ganbook/autograd"
	"ganbook/tensor"
)

// RelativisticAverageLeastSquares is RaLSGAN (Jolicoeur-Martineau 2018,
// arXiv 1807.00734, §4.3 and the official code's loss 7): LSGAN's squares
// on RaSGAN's relative logits. With C the raw output and m_r, m_f the
// mean outputs on the real and the generated batch,
//
//	D minimises ½·[E (C(x_r) − m_f − 1)² + E (C(x_f) − m_r + 1)²]
//	G minimises ½·[E (C(x_r) − m_f + 1)² + E (C(x_f) − m_r − 1)²]
//
// D wants each real sample one unit above the average generated one and
// each generated sample one unit below the average real one; G wants the
// reverse. The paper writes both losses without the ½, which the official
// code has; it scales the gradients and nothing else. The means are part
// of the graph: gradients flow through them. Outputs are (N, 1); real and
// fake batches may have different sizes. D and G panic with
// tensor.ErrArgument if real is nil.
type RelativisticAverageLeastSquares struct{}

// D returns ½·[mean (C_r − m_f − 1)² + mean (C_f − m_r + 1)²].
func (RelativisticAverageLeastSquares) D(real, fake *autograd.Var) *autograd.Var {
	requireReal("RelativisticAverageLeastSquares.D", real)
	r, f := relativeToAverage(real, fake)
	return autograd.Add(halfMeanSquare(r, 1), halfMeanSquare(f, -1))
}

// G returns ½·[mean (C_r − m_f + 1)² + mean (C_f − m_r − 1)²].
func (RelativisticAverageLeastSquares) G(real, fake *autograd.Var) *autograd.Var {
	requireReal("RelativisticAverageLeastSquares.G", real)
	r, f := relativeToAverage(real, fake)
	return autograd.Add(halfMeanSquare(r, -1), halfMeanSquare(f, 1))
}

// requireReal panics with tensor.ErrArgument if a relativistic loss is
// given no real outputs: unlike the other losses, its generator compares
// the generated samples with real ones, and a caller that passes nil (as
// it may for NonSaturating) has forgotten D's outputs on a real batch.
func requireReal(op string, real *autograd.Var) {
	if real == nil {
		panicf(tensor.ErrArgument, op, "real outputs are nil: a relativistic loss compares D's outputs on generated samples with its outputs on a real batch")
	}
}
