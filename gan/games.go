package gan

import (
	"ganbook/autograd"
	"ganbook/layers"
	"ganbook/layers/optim"
)

// OneToOne is the game of chapter 01's GAN with its loss as a parameter:
// each step, one discriminator update on
//
//	loss.D(D(x), D(x̃))
//
// on a fresh real batch x and generated batch x̃ (no graph back into G),
// then one generator update on loss.G(nil, D(G(z))) with fresh noise and D
// frozen; Adam with lr 10⁻⁴ (× LRScale and, with LinearDecay, decayed
// linearly: Toy.LR) and β = (0.8, 0.999), PacGAN's settings. With
// NonSaturating it is chapter 01's GAN, bit for bit (chapter 01 writes it
// out, and its test keeps the two equal); with LeastSquares it is LSGAN
// (chapter 06); chapters 02 and 13 use it as the
// baseline their other games are compared with. Losses whose G side needs
// real samples (the relativistic ones) need their own game.
func OneToOne(loss Loss) Game {
	return func(t *Toy) func(int) []Quantity {
		optD := optim.NewAdam(layers.Vars(t.D), t.LR(1e-4, 1), 0.8, 0.999)
		optG := optim.NewAdam(layers.Vars(t.G), t.LR(1e-4, 1), 0.8, 0.999)
		return func(i int) []Quantity {
			optD.SetLR(t.LR(1e-4, i))
			optG.SetLR(t.LR(1e-4, i))
			real, fake := t.Real(), t.Fake() // (B, 2) each
			lossD := loss.D(t.D.Forward(autograd.Const(real)), t.D.Forward(autograd.Const(fake)))
			optD.ZeroGrad()
			lossD.Backward()
			optD.Step()

			var lossG *autograd.Var
			Frozen(t.D, func() {
				optG.ZeroGrad()
				lossG = loss.G(nil, t.D.Forward(t.G.Forward(t.Noise())))
				lossG.Backward()
				optG.Step()
			})
			return []Quantity{{Name: "D loss", Value: lossD.Item()}, {Name: "G loss", Value: lossG.Item()}}
		}
	}
}

// WGANGP is WGAN-GP's game (Gulrajani et al., arXiv 1704.00028) with the
// settings of the paper's toy code, as chapter 08 writes it out and
// explains it. It lives here too because chapter 01 quotes it as the
// reference its GAN is measured against, and must get the very same bits;
// chapter 08's test checks that its copy and this one give identical runs.
//
// Each step: five critic updates on
//
//	E[f(x̃)] − E[f(x)] + λ·E[(‖∇ₓ̂ f(x̂)‖₂ − 1)²]   (GradientPenalty)
//
// each on a fresh real batch x and generated batch x̃, then one generator
// update on −E[f(G(z))] with the critic frozen; Adam with lr 10⁻⁴ (×
// LRScale and, with LinearDecay, decayed linearly: Toy.LR), β = (0.5, 0.9). The penalty's per-sample norms are
// recorded (Toy.RecordNorms).
func WGANGP(lambda float64) Game {
	return func(t *Toy) func(int) []Quantity {
		optD := optim.NewAdam(layers.Vars(t.D), t.LR(1e-4, 1), 0.5, 0.9)
		optG := optim.NewAdam(layers.Vars(t.G), t.LR(1e-4, 1), 0.5, 0.9)
		loss := Wasserstein{}
		return func(i int) []Quantity {
			optD.SetLR(t.LR(1e-4, i))
			optG.SetLR(t.LR(1e-4, i))
			var lossD *autograd.Var
			for range 5 {
				real, fake := t.Real(), t.Fake() // (B, 2) each
				lossD = loss.D(t.D.Forward(autograd.Const(real)), t.D.Forward(autograd.Const(fake)))
				gp, norms := GradientPenalty(t.D.Forward, real, fake, t.R)
				lossD = autograd.Add(lossD, autograd.Scale(gp, lambda))
				optD.ZeroGrad()
				lossD.Backward()
				optD.Step()
				t.RecordNorms(norms)
			}
			var lossG *autograd.Var
			Frozen(t.D, func() {
				optG.ZeroGrad()
				lossG = loss.G(nil, t.D.Forward(t.G.Forward(t.Noise())))
				lossG.Backward()
				optG.Step()
			})
			return []Quantity{{"D loss", lossD.Item()}, {"G loss", lossG.Item()}}
		}
	}
}
