package gan

import "ganbook/autograd"

// Loss is an adversarial objective, written on the discriminator's raw
// outputs (logits for the classifier losses, scores for a critic): D returns
// what the discriminator minimises given its outputs on a real batch and on
// a generated batch, and G what the generator minimises. Losses that compare
// real and fake outputs inside G (the relativistic ones) use real there;
// the others ignore it, and a caller may pass nil.
type Loss interface {
	D(real, fake *autograd.Var) *autograd.Var
	G(real, fake *autograd.Var) *autograd.Var
}

// With logits ℓ and D(x) = σ(ℓ), the log-probabilities are written with
// softplus, which never takes the log of a number rounded to 0:
//
//	−log σ(ℓ)     = softplus(−ℓ)
//	−log(1 − σ(ℓ)) = softplus(ℓ)

// Minimax is the original GAN game (Goodfellow et al. 2014, arXiv 1406.2661):
//
//	D minimises −E[log D(x)] − E[log(1 − D(G(z)))]
//	G minimises  E[log(1 − D(G(z)))]
//
// At the optimal discriminator D* = p/(p + q) the game's value V(D*, G),
// E[log D*(x)] + E[log(1 − D*(G(z)))], equals 2·JSD(p‖q) − log 4 (GameValue);
// G's loss is its second term, the only one that depends on G. Its gradient vanishes when D confidently
// rejects the fakes (the generator's loss saturates), which is why
// NonSaturating is used in practice.
type Minimax struct{}

// D returns mean softplus(−ℓ_real) + mean softplus(ℓ_fake).
func (Minimax) D(real, fake *autograd.Var) *autograd.Var { return classifierD(real, fake) }

// G returns −mean softplus(ℓ_fake) = mean log(1 − D(G(z))).
func (Minimax) G(_, fake *autograd.Var) *autograd.Var {
	return autograd.Neg(autograd.Mean(autograd.Softplus(fake)))
}

// NonSaturating is the minimax discriminator with the generator loss
// −E[log D(G(z))] = mean softplus(−ℓ_fake), proposed in the same paper: it
// has the same fixed point and strong gradients early in training.
type NonSaturating struct{}

// D returns mean softplus(−ℓ_real) + mean softplus(ℓ_fake).
func (NonSaturating) D(real, fake *autograd.Var) *autograd.Var { return classifierD(real, fake) }

// G returns mean softplus(−ℓ_fake).
func (NonSaturating) G(_, fake *autograd.Var) *autograd.Var {
	return autograd.Mean(autograd.Softplus(autograd.Neg(fake)))
}

func classifierD(real, fake *autograd.Var) *autograd.Var {
	return autograd.Add(
		autograd.Mean(autograd.Softplus(autograd.Neg(real))),
		autograd.Mean(autograd.Softplus(fake)))
}

// Wasserstein is the WGAN objective (Arjovsky et al. 2017, arXiv 1701.07875).
// By the Kantorovich-Rubinstein duality,
//
//	W₁(p, q) = sup over 1-Lipschitz f of E_p[f(x)] − E_q[f(x)],
//
// so a critic f that is kept (close to) Lipschitz maximises the difference
// of its means, and −(critic loss) estimates W₁ up to the Lipschitz
// constant. The critic is unbounded (no sigmoid).
//
//	critic minimises E[f(G(z))] − E[f(x)]
//	G minimises     −E[f(G(z))]
type Wasserstein struct{}

// D returns mean f(fake) − mean f(real).
func (Wasserstein) D(real, fake *autograd.Var) *autograd.Var {
	return autograd.Sub(autograd.Mean(fake), autograd.Mean(real))
}

// G returns −mean f(fake).
func (Wasserstein) G(_, fake *autograd.Var) *autograd.Var { return autograd.Neg(autograd.Mean(fake)) }
