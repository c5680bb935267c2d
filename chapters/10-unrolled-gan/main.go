// Chapter 10 mirrors the first half of the article's section "Técnicas 5:
// Unrolled GANs y GANs empaquetadas": unrolled GANs.
//
// A generator collapses and hops (chapter 01) because it answers the
// discriminator it has now: it moves its mass to wherever D is weakest,
// D follows, and the mass moves on. The unrolled GAN (Metz et al., arXiv
// 1611.02163) lets the generator look ahead. Its loss is the game's value
// f after D has had K steps to answer:
//
//	θ_D⁰ = θ_D,   θ_D^{k+1} = θ_D^k − η·step_k(∇_θ L_D(θ_G, θ_D^k))   (D's own optimiser, k < K)
//	G minimises f_K(θ_G) = f(θ_G, θ_D^K(θ_G, θ_D)),   f = −L_D,
//	L_D(θ_G, θ_D) = E_x[softplus(−D(x))] + E_z[softplus(D(G(z)))],
//
// the original minimax game (D minimises L_D, G maximises it), as in the
// paper. D itself is updated on L_D as usual. The gradient of f_K has two
// terms,
//
//	df_K/dθ_G = ∂f/∂θ_G + ∂f/∂θ_D^K · dθ_D^K/dθ_G,
//
// and the second is the look-ahead: how D's K answers would change if G
// changed. Computing it means differentiating through K optimiser steps,
// each built from a gradient: second-order differentiation, here
// autograd.Grad(…, createGraph = true) at every step and optim.AdamStep,
// a differentiable copy of Adam that continues from D's optimiser state.
// K = 0 is the plain GAN. Each unrolled step costs about one more
// discriminator update, and the generator's backward pass then runs back
// through all of them.
//
// The program trains on ring-8 (PacGAN's 8 modes on the unit circle,
// σ = 0.01) with networks shaped after the paper's (G: two hidden ReLU
// layers, D: one), for K = 0, 5 and 10, and for K = 5 with the look-ahead
// detached (each simulated step's gradient a constant, so only ∂f/∂θ_G at
// θ_D^K is left: the second term is what this run lacks). It measures
// PacGAN's coverage on 2,500 samples every 50 steps; the mode hops, the
// number of times the dominant mode (the one closest to more than half of
// the samples) changes from one evaluation to the next; and the work per
// generator step, the multiply-adds of its matrix products as they run
// (tensor.MultiplyAdds; k*_cost_ratio against K = 0), beside the number
// of discriminator-gradient evaluations the method predicts
// (k*_predicted_cost_ratio).
//
// Run it with
//
//	go run ./chapters/10-unrolled-gan
//
// and look in out/10-unrolled-gan/: samples_over_time.svg (the paper's
// figure: generated samples, orange, at six moments of training, one row
// per K), k*_modes_over_time.svg (the share of the samples on each mode
// over time), k0_samples.svg and k10_samples.svg (the last samples over
// D's probability of "real"), modes_over_time.svg, and metrics.json,
// written last.
package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"ganbook/autograd"
	"ganbook/gan"
	"ganbook/gan/chapter"
	"ganbook/gan/data"
	"ganbook/gan/plot"
	"ganbook/layers"
	"ganbook/layers/optim"
	"ganbook/tensor"
)

// config holds the chapter's own settings: the toy budget and the number
// of columns of the samples-over-time figure.
type config struct {
	budget    gan.ToyBudget
	snapshots int
}

var spec = chapter.Spec{
	Name:     "10-unrolled-gan",
	Defaults: chapter.Flags{Seed: 1, Steps: 1000},
	Outputs: []string{"samples_over_time.svg", "k*_modes_over_time.svg", "k0_samples.svg", "k10_samples.svg",
		"modes_over_time.svg"},
	Setup: func(fs *chapter.FlagSet) func(chapter.Env) error {
		cfg := config{budget: gan.DefaultToyBudget(), snapshots: 6}
		b := &cfg.budget
		b.Width = 64
		fs.Int(&b.Batch, "batch", b.Batch, "batch size (real and generated)", 2)
		fs.Int(&b.Width, "width", b.Width, "units in every hidden layer of G and D", 1)
		fs.Float(&b.LRScale, "lr-scale", b.LRScale, "multiply the published learning rate 10⁻⁴ by this", chapter.Positive)
		fs.Bool(&b.LinearDecay, "lr-decay", b.LinearDecay, "decay the learning rates linearly over the run")
		fs.Int(&b.EvalEvery, "eval-every", b.EvalEvery, "steps between evaluations", 1)
		fs.Int(&cfg.snapshots, "snapshots", cfg.snapshots, "columns of samples_over_time.svg", 1)
		fs.Memory(func(f chapter.Flags) []chapter.Need {
			// Ten unrolled steps keep about ten discriminator passes and
			// their gradients' graphs alive until the generator's update.
			heavy := cfg.budget
			heavy.Batch *= 12
			return append(heavy.Memory(f.Steps, len(variants)),
				chapter.Need{What: fmt.Sprintf("the snapshots (-snapshots %d)", cfg.snapshots),
					Bytes: float64(cfg.snapshots*len(variants)) * float64(b.EvalSamples) * 2 * 8})
		})
		return func(env chapter.Env) error { return run(env, cfg) }
	},
}

func main() { os.Exit(chapter.Main(spec, os.Args[1:], os.Stdout, os.Stderr)) }

// ---- 1. The game -------------------------------------------------------------------
//
// unrolled is the unrolled GAN with k look-ahead steps: one update of D on
// L_D, then one update of G on −L_D at D's weights after k simulated
// steps. Adam with lr 10⁻⁴ (scaled by the budget) and β₁ = 0.5 for both
// players, as in the paper. t.Real() and t.Fake() draw a real batch and a
// generated one, (B, 2) each, the generated one without a graph back into
// G. The simulated steps use the real batch of D's update and a fresh
// generated batch G(z) that keeps its graph: through it, θ_D^k depends on
// θ_G. With detached, every simulated gradient is a constant instead.
// Each step returns its losses and its cost, measured: the multiply-adds of
// all its matrix products (tensor.MultiplyAdds), and those of D's update
// alone, one evaluation of a discriminator gradient, the unit in which
// gradientEvaluations predicts the cost.
func unrolled(k int, detached bool) gan.Game {
	return func(t *gan.Toy) func(int) []gan.Quantity {
		paramsG := layers.Vars(t.G)
		optD := optim.NewAdam(layers.Vars(t.D), t.LR(1e-4, 1), 0.5, 0.999)
		optG := optim.NewAdam(paramsG, t.LR(1e-4, 1), 0.5, 0.999)
		loss := gan.Minimax{} // loss.D is L_D, the loss unrolledLoss unrolls
		return func(i int) []gan.Quantity {
			work := tensor.MultiplyAdds() // the step's matrix products, counted from here
			lr := t.LR(1e-4, i)
			optD.SetLR(lr)
			optG.SetLR(lr)

			// D's update: one ordinary step on L_D.
			real, fake := t.Real(), t.Fake()
			// D's update alone is one discriminator gradient evaluation, the
			// unit of gradientEvaluations: its products are counted apart.
			dWork := tensor.MultiplyAdds()
			x := autograd.Const(real)                                          // (B, 2)
			lossD := loss.D(t.D.Forward(x), t.D.Forward(autograd.Const(fake))) // E softplus(−ℓ(x)) + E softplus(ℓ(x̃))
			optD.ZeroGrad()
			lossD.Backward()
			optD.Step()
			dWork = tensor.MultiplyAdds() - dWork

			// G's update: against D after k more steps it has not taken. The
			// look-ahead starts from copies of D's weights, so D's own
			// parameters are not in this graph (no gan.Frozen needed), and
			// autograd.Grad computes G's gradient alone.
			gz := t.G.Forward(t.Noise())                             // (B, 2), a function of θ_G
			lossG := unrolledLoss(t.D, optD, lr, k, detached, x, gz) // f_K = −L_D(θ_G, θ_D^k(θ_G))
			optG.ZeroGrad()
			for j, g := range autograd.Grad([]*autograd.Var{lossG}, paramsG, false) { // df_K/dθ_G, back through the k steps
				paramsG[j].Grad = g.Value
			}
			optG.Step()
			return []gan.Quantity{{Name: "D loss", Value: lossD.Item()}, {Name: "G loss", Value: lossG.Item()},
				{Name: "multiply-adds", Value: float64(tensor.MultiplyAdds() - work)},
				{Name: "D update multiply-adds", Value: float64(dWork)}}
		}
	}
}

// unrolledLoss is the generator's loss f_K = −L_D(x, G(z); θ_D^k), with
// θ_D^k = lookAhead of D on L_D over the same real batch x (B, 2) and
// generated batch gz (B, 2): G maximises the loss D will have after k
// more steps against this very batch. Both terms of L_D count, the one on
// real data too, since θ_D^k depends on θ_G.
func unrolledLoss(d layers.Module, opt *optim.Adam, lr float64, k int, detached bool, x, gz *autograd.Var) *autograd.Var {
	lD := func(d layers.Module) *autograd.Var { return gan.Minimax{}.D(d.Forward(x), d.Forward(gz)) }
	return autograd.Neg(lD(lookAhead(d, opt, lr, k, detached, lD)))
}

// lookAhead returns a copy of D that runs with its weights after k
// simulated steps of D's optimiser on the loss lD, from D's weights and
// Adam's state (m, v, step count) as they are now:
//
//	θ⁰ = θ_D,   θ^{j+1} = AdamStep(θ^j, ∇_θ lD(θ^j)),   j < k.
//
// Each gradient is taken with createGraph, so θ^k is a differentiable
// function of whatever lD depends on besides θ (the generated batch, and
// through it θ_G). D itself is left as it is. With detached, the gradients
// are constants and θ^k depends on nothing: the generator then sees D's
// answer but not how its own change would alter it.
func lookAhead(d layers.Module, opt *optim.Adam, lr float64, k int, detached bool, lD func(layers.Module) *autograd.Var) layers.Module {
	theta := make([]*autograd.Var, 0, len(d.Parameters()))
	for _, p := range layers.Vars(d) {
		theta = append(theta, autograd.Param(p.Value)) // θ⁰: D's weights, as leaves of this graph only
	}
	state := opt.FunctionalState()
	beta1, beta2 := opt.Betas()
	for range k {
		grads := autograd.Grad([]*autograd.Var{lD(layers.Functional(d, theta))}, theta, !detached) // ∇_θ lD(θ^j)
		theta, state = optim.AdamStep(theta, grads, state, lr, beta1, beta2, opt.Eps)              // θ^{j+1}
		if detached {
			for j, p := range theta {
				theta[j] = autograd.Param(p.Value) // start the next step from the values alone
			}
		}
	}
	return layers.Functional(d, theta)
}

// gradientEvaluations is the predicted work of one generator step of the
// game, counted in evaluations of a discriminator gradient (a forward and
// a backward pass through D, or a backward pass through one of the
// recorded steps): D's own update, one per simulated step, and G's
// gradient, whose backward pass goes through D at θ^k and then, unless
// detached, back through each of the k recorded gradient computations.
// It leaves out G's own passes, the same for every k, and counts a pass
// back through a recorded gradient computation as one evaluation, though
// it differentiates a backward pass and does more products; the measured
// cost (multiply-adds) shows both.
func gradientEvaluations(k int, detached bool) float64 {
	back := 1 + k
	if detached {
		back = 1
	}
	return float64(1 + k + back)
}

// ---- 2. The runs -----------------------------------------------------------------------

// variant is one way of training.
type variant struct {
	key      string // metric and file prefix: "k0", "k5", "k10", "k5_detached"
	label    string
	k        int
	detached bool
}

var variants = []variant{
	{"k0", "K = 0 (plain GAN)", 0, false},
	{"k5", "K = 5", 5, false},
	{"k10", "K = 10", 10, false},
	{"k5_detached", "K = 5, detached", 5, true},
}

// outcome is a finished run with its snapshots, the dominant mode at
// every evaluation and its wall time.
type outcome struct {
	variant
	res      *gan.ToyResult
	shots    map[int]*tensor.Tensor // samples at the snapshot steps
	shares   [][]float64            // gan.NearestModeShares at every evaluation
	dominant []int                  // gan.DominantMode at every evaluation
	seconds  float64
}

func run(env chapter.Env, cfg config) error {
	b := cfg.budget
	ring := data.Ring8()
	shotSteps := snapshotStepsWithLast(env.Steps, b.EvalEvery, cfg.snapshots)
	var outs []*outcome
	for _, v := range variants {
		o := &outcome{variant: v, shots: map[int]*tensor.Tensor{}}
		start := time.Now()
		res, err := gan.ToyRun{
			Name: "unrolled GAN " + v.label, Game: unrolled(v.k, v.detached), Networks: gan.UnrolledGANNetworks(b.Width),
			Data: ring, Budget: b, Seed: env.Seed, Steps: env.Steps, Progress: env.Stderr, Context: env.Context,
			AfterEval: func(step int, _ *gan.Toy, samples *tensor.Tensor) error {
				o.shares = append(o.shares, gan.NearestModeShares(samples, ring))
				o.dominant = append(o.dominant, gan.DominantMode(samples, ring))
				if contains(shotSteps, step) {
					o.shots[step] = samples.Clone()
				}
				return nil
			},
		}.Run()
		if err != nil {
			return err
		}
		o.res, o.seconds = res, time.Since(start).Seconds()
		outs = append(outs, o)
	}

	// ---- 3. Results ---------------------------------------------------------------------
	var m chapter.Metrics
	base := meanOf(outs[0].res.History.Get("multiply-adds").Values) // K = 0's products per step
	for _, o := range outs {
		c := o.res.FinalCoverage()
		m.Set(o.key+"_modes", float64(c.Modes))
		m.Set(o.key+"_hq", c.HighQuality)
		m.Set(o.key+"_reverse_kl", c.ReverseKL)
		m.Set(o.key+"_mode_hops", float64(gan.ModeHops(o.dominant)))
		m.Set(o.key+"_dominated", float64(dominated(o.dominant)))
		madds := meanOf(o.res.History.Get("multiply-adds").Values)
		m.Set(o.key+"_madds_per_step", madds)
		m.Set(o.key+"_cost_ratio", madds/base)
		m.Set(o.key+"_predicted_cost_ratio", gradientEvaluations(o.k, o.detached)/gradientEvaluations(0, false))
	}
	m.Set("d_update_madds", meanOf(outs[0].res.History.Get("D update multiply-adds").Values))
	m.Set("evaluations", float64(outs[0].res.Track.Len()))
	m.Set("steps", float64(env.Steps))
	m.Set("batch", float64(b.Batch))
	m.Set("width", float64(b.Width))
	chapter.PrintTable(env.Stdout, "10-unrolled-gan: K look-ahead steps on ring-8", &m)
	fmt.Fprintf(env.Stdout, "\nwall time per generator step (this machine, not in metrics.json):\n")
	for _, o := range outs {
		perStep := o.seconds / float64(env.Steps)
		fmt.Fprintf(env.Stdout, "  %-18s %7.2f ms   %5.1f× K = 0\n", o.label, 1000*perStep, o.seconds/outs[0].seconds)
	}

	// ---- 4. Pictures ---------------------------------------------------------------------
	if err := env.SavePictures(pictures(env, ring, shotSteps, outs)...); err != nil {
		return err
	}
	return env.WriteJSON(&m) // last: it marks a finished run
}

// snapshotStepsWithLast picks n evaluation steps spread evenly over the
// run, the last one included: steps·i/n rounded down to the evaluation grid (and at
// least the first evaluation), duplicates merged.
func snapshotStepsWithLast(steps, every, n int) []int {
	var out []int
	for i := 1; i <= n; i++ {
		s := steps * i / n
		if s < steps {
			s = max(every, s/every*every)
		}
		if len(out) == 0 || out[len(out)-1] != s {
			out = append(out, s)
		}
	}
	return out
}

// dominated counts the evaluations at which one mode held most samples.
func dominated(dominant []int) int {
	n := 0
	for _, k := range dominant {
		if k >= 0 {
			n++
		}
	}
	return n
}

func contains(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func meanOf(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// sharesHeatmap pictures where a run's samples were at each evaluation
// (gan.SharesHeatmap): the share of the samples nearest each mode, high
// quality or not, on the same scale, 0 to 1, for every run.
func sharesHeatmap(o *outcome, ring *data.Mixture) plot.Heatmap {
	h := gan.SharesHeatmap(o.label+": where the samples are", ring.Centers, o.res.Track.Steps, o.shares)
	h.Max, h.Cell, h.YLabel = 1, 24, "nearest mode"
	return h
}

// pictures lists the chapter's pictures.
func pictures(env chapter.Env, ring *data.Mixture, shotSteps []int, outs []*outcome) []chapter.Picture {
	real := ring.Sample(rand.New(rand.NewPCG(env.Seed, 101)), 500)
	grid := plot.ScatterGrid{
		Title:  fmt.Sprintf("Generated samples on ring-8 during training (seed %d)", env.Seed),
		XLabel: "x₁", YLabel: "x₂", Rows: len(outs), Cols: len(shotSteps),
	}
	for _, s := range shotSteps {
		grid.ColLabels = append(grid.ColLabels, fmt.Sprintf("step %d", s))
	}
	var out []chapter.Picture
	var modes []plot.Line
	for _, o := range outs {
		grid.RowLabels = append(grid.RowLabels, o.label)
		for _, s := range shotSteps {
			p := gan.SampleScatter("", o.shots[s], ring, real)
			p.Layers = p.Layers[1:] // generated samples and the modes only: small panels
			grid.Panels = append(grid.Panels, p)
		}
		out = append(out, chapter.Picture{Name: o.key + "_modes_over_time.svg", Save: sharesHeatmap(o, ring).SaveSVG})
		l := o.res.History.Get("modes").Line()
		l.Name = o.label
		modes = append(modes, l)
		if o.key == "k0" || o.key == "k10" {
			title := fmt.Sprintf("%s after %d steps, over D's probability of real", o.label, env.Steps)
			out = append(out, chapter.Picture{Name: o.key + "_samples.svg",
				Save: gan.ToyScatter(title, o.res.D, o.res.Samples, ring, real, true).Save})
		}
	}
	return append(out,
		chapter.Picture{Name: "samples_over_time.svg", Save: grid.Save},
		chapter.Picture{Name: "modes_over_time.svg", Save: plot.LineChart{
			Title: "Modes of ring-8 captured", XLabel: "generator step", YLabel: "modes",
			YRange: [2]float64{0, 8.5}, Series: modes, Refs: []plot.RefLine{{Y: 8, Label: "all 8"}},
		}.Save})
}
