package gan

import "ganbook/autograd"

// Hinge is the hinge loss of SN-GAN (Miyato et al. 2018, arXiv 1802.05957,
// eq. 17) and SAGAN (Zhang et al. 2018, arXiv 1805.08318, eq. 3), on the
// discriminator's raw outputs (N, 1):
//
//	D minimises E[max(0, 1 − D(x))] + E[max(0, 1 + D(G(z)))]
//	G minimises −E[D(G(z))]
//
// D stops being pushed once a real output passes +1 or a fake one −1, so
// it does not chase ever larger margins. The gradient is taken as 0 at the
// kinks D = ±1 (ReLU's convention). Real and fake batches may have
// different sizes.
type Hinge struct{}

// D returns mean relu(1 − real) + mean relu(1 + fake).
func (Hinge) D(real, fake *autograd.Var) *autograd.Var {
	return autograd.Add(
		autograd.Mean(autograd.ReLU(autograd.AddScalar(autograd.Neg(real), 1))),
		autograd.Mean(autograd.ReLU(autograd.AddScalar(fake, 1))))
}

// G returns −mean fake; real is not used and may be nil.
func (Hinge) G(_, fake *autograd.Var) *autograd.Var { return autograd.Neg(autograd.Mean(fake)) }
