// Chapter 04 mirrors the article's section "Terminologías": 1. Infimum y
// Supremum, 2. Medidas de divergencia, 3. Dualidad Kantorovich-Rubinstein,
// 4. Continuidad de Lipschitz.
//
// A GAN measures how far its samples are from the data with a divergence,
// and every divergence a GAN uses is written as an extremum over a set
// that need not contain its bound: an infimum (the greatest lower bound)
// or a supremum (the least upper bound). The earth mover's distance is an
// infimum over transport plans,
//
//	W₁(P, Q) = inf over couplings γ of E_{(x,y)~γ} ‖x − y‖,
//
// and by the Kantorovich–Rubinstein duality also a supremum over
// 1-Lipschitz functions (|f(x) − f(y)| ≤ ‖x − y‖),
//
//	W₁(P, Q) = sup over 1-Lipschitz f of E_P[f] − E_Q[f].
//
// The f-divergences (KL, Jensen–Shannon, total variation) are suprema too
// (Nowozin et al., arXiv 1606.00709): D_f(P‖Q) = sup_T E_P[T] − E_Q[f*(T)],
// so a network trained to maximise the bracket estimates them from
// samples, from below. This program measures all of it:
//
//  1. WGAN's parallel lines (Arjovsky et al., arXiv 1701.07875, Example
//     1): P₀ = (0, U[0, 1]) and P_θ = (θ, U[0, 1]). For θ ≠ 0 the two
//     lines do not overlap, so JS = log 2, KL = ∞ and TV = 1 whatever θ
//     is, and W₁ = |θ|. For θ from −1 to 1 the program computes W₁ exactly
//     by optimal assignment on samples (w1_vs_abs_theta_max_error against
//     |θ|), estimates JS, KL and TV with trained discriminators (the f-GAN
//     bounds, metrics.JSLowerBound, KLLowerBound, TVLowerBound) and, at
//     θ = ½, differentiates each with respect to θ through our autograd,
//     the gradient a generator at θ would receive: W₁'s is sign θ = 1, the
//     others' are 0 (js_estimate_theta_half, js_grad_theta_half,
//     w1_grad_theta_half).
//  2. Two Gaussians on the line, N(0, 1) and N(1, 1.2²), where every
//     divergence has a closed form (JS by quadrature): KL both ways, JS,
//     TV, W₁, W₂, each against an estimate from samples
//     (gauss_<name>_closed, gauss_<name>_estimate).
//  3. The dual in practice. A critic kept Lipschitz by a gradient penalty
//     is trained on two 2-D distributions whose exact W₁ is known: a ring
//     of radius 2 and the Gaussian N(0, 0.3²·I). Both are
//     rotation-invariant, so W₁ equals the W₁ of their radii, a 1-D
//     integral. The penalty holds the critic's slope near, not at, 1, so
//     its estimate E f(P) − E f(Q) is divided by its measured Lipschitz
//     constant L and compared with the exact value
//     (dual_vs_exact_rel_error; the raw estimate's error is
//     dual_gp_raw_rel_error). That would be a lower bound on W₁ if L were
//     the critic's true constant; the measured L can only be smaller, so
//     the normalised value may slightly overshoot.
//  4. Lipschitz constants. The same critic trained four ways: no
//     constraint, weights clipped to ±0.01, the gradient penalty, spectral
//     normalisation. For each: the largest gradient norm over data and
//     interpolates (lipschitz_<method>), the largest slope
//     |f(x) − f(y)|/‖x − y‖ over pairs (lipschitz_slope_<method>), and the
//     product of the layers' spectral norms, an upper bound
//     (lipschitz_bound_<method>); and the dual estimate divided by the
//     measured constant (dual_normalised_<method>).
//
// Run it with
//
//	go run ./chapters/04-divergences
//
// and look in out/04-divergences/: lines_divergences.svg (W₁, JS, TV
// against θ beside their closed forms), lines_training.svg (the three
// bounds at θ = ½ as their discriminators train: JS and TV level off at
// log 2 and 1, KL keeps climbing), critic_none.svg, critic_clip.svg,
// critic_gp.svg, critic_sn.svg (each critic over the two distributions),
// and metrics.json, written last.
package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"

	"ganbook/autograd"
	"ganbook/gan"
	"ganbook/gan/chapter"
	"ganbook/gan/metrics"
	"ganbook/gan/plot"
	"ganbook/layers"
	"ganbook/layers/optim"
	"ganbook/tensor"
)

// config holds the chapter's own settings. Shapes: B = batch, H = hidden
// units; samples are (n, 2) in parts 1, 3, 4 and (n, 1) in part 2.
type config struct {
	divSteps    int     // training steps of each divergence estimator of part 1
	gaussSteps  int     // training steps of each divergence estimator of part 2
	hidden      int     // H of the divergence estimators (parts 1 and 2)
	divLR       float64 // their Adam learning rate
	batch       int     // B, every training step
	w1N         int     // samples of each line for the exact W₁ of part 1
	evalN       int     // held-out samples of each side for every estimate
	criticWidth int     // H of the critics of parts 3 and 4
	criticLR    float64 // their Adam learning rate
	lambda      float64 // the gradient penalty's weight
	clip        float64 // the clipping bound c
	qStd        float64 // the standard deviation of Q, the Gaussian of parts 3 and 4, along each axis
}

var spec = chapter.Spec{
	Name:     "04-divergences",
	Defaults: chapter.Flags{Seed: 1, Steps: 1000},
	Outputs: []string{"lines_divergences.svg", "lines_training.svg",
		"critic_none.svg", "critic_clip.svg", "critic_gp.svg", "critic_sn.svg"},
	Setup: func(fs *chapter.FlagSet) func(chapter.Env) error {
		cfg := config{divSteps: 400, gaussSteps: 2000, hidden: 16, divLR: 1e-2, batch: 128, w1N: 256, evalN: 4096, criticWidth: 32, criticLR: 1e-3, lambda: 10, clip: 0.01, qStd: 0.3}
		fs.Int(&cfg.divSteps, "div-steps", cfg.divSteps, "training steps of each discriminator of part 1 (the parallel lines)", 1)
		fs.Int(&cfg.gaussSteps, "gauss-steps", cfg.gaussSteps, "training steps of each discriminator of part 2 (the Gaussians)", 1)
		fs.Int(&cfg.hidden, "hidden", cfg.hidden, "hidden units per layer of the divergence estimators", 1)
		fs.Float(&cfg.divLR, "div-lr", cfg.divLR, "Adam learning rate of the divergence estimators", chapter.Positive)
		fs.Int(&cfg.batch, "batch", cfg.batch, "samples of each side per training step", 1)
		fs.Int(&cfg.w1N, "w1-n", cfg.w1N, "samples of each line for the exact W₁ by assignment", 1)
		fs.Int(&cfg.evalN, "eval-n", cfg.evalN, "held-out samples of each side for every estimate", 2)
		fs.Int(&cfg.criticWidth, "critic-width", cfg.criticWidth, "hidden units per layer of the critics of parts 3 and 4", 1)
		fs.Float(&cfg.criticLR, "critic-lr", cfg.criticLR, "Adam learning rate of the critics", chapter.Positive)
		fs.Float(&cfg.lambda, "lambda", cfg.lambda, "gradient penalty weight λ", chapter.Positive)
		fs.Float(&cfg.clip, "clip", cfg.clip, "weight clipping bound c", chapter.Positive)
		fs.Float(&cfg.qStd, "q-std", cfg.qStd, "standard deviation along each axis of Q, the Gaussian of parts 3 and 4", chapter.Positive)
		fs.Memory(func(f chapter.Flags) []chapter.Need { return memory(cfg, f.Steps) })
		return func(env chapter.Env) error { return run(env, cfg) }
	},
}

// memory estimates what a run takes: the exact W₁'s cost matrices (part 1,
// and 512 points in part 3); the activations of a training step (about 10
// numbers per sample and unit, a few times more with the penalty's double
// backward pass) and of an evaluation over evalN samples; the critics'
// 80 × 80 pictures; and the history of the longest training loop (the
// critics' -steps, or the discriminators' -div-steps or -gauss-steps; one
// loop's at a time), a step and a value per step, twice that while its
// slices grow.
func memory(cfg config, steps int) []chapter.Need {
	h, w := float64(cfg.hidden), float64(cfg.criticWidth)
	longest := max(steps, cfg.divSteps, cfg.gaussSteps)
	return []chapter.Need{
		{What: fmt.Sprintf("a training loop's history (-steps %d, -div-steps %d, -gauss-steps %d)", steps, cfg.divSteps, cfg.gaussSteps),
			Bytes: 2 * 16 * float64(longest)},
		{What: fmt.Sprintf("the exact W₁'s cost matrix (-w1-n %d)", cfg.w1N), Bytes: 3 * float64(cfg.w1N) * float64(cfg.w1N) * 8},
		{What: fmt.Sprintf("a training step's activations (-batch %d × -critic-width %d)", cfg.batch, cfg.criticWidth), Bytes: 4 * 40 * max(h, w) * float64(cfg.batch) * 8},
		{What: fmt.Sprintf("an evaluation's activations (-eval-n %d × -critic-width %d)", cfg.evalN, cfg.criticWidth), Bytes: 3 * 20 * max(h, w) * float64(cfg.evalN) * 8},
		{What: "part 2's held-out samples and activations", Bytes: 3 * 20 * h * gaussEvalN * 8},
		{What: fmt.Sprintf("the critics' weights and pictures (-critic-width %d)", cfg.criticWidth), Bytes: (4*4*w*w + 20*w*80*80) * 8},
	}
}

func main() { os.Exit(chapter.Main(spec, os.Args[1:], os.Stdout, os.Stderr)) }

func run(env chapter.Env, cfg config) error {
	var m chapter.Metrics
	lines, err := parallelLines(env, cfg, &m)
	if err != nil {
		return err
	}
	if err := gaussians(env, cfg, &m); err != nil {
		return err
	}
	critics, err := lipschitzCritics(env, cfg, &m)
	if err != nil {
		return err
	}
	chapter.PrintTable(env.Stdout, "04-divergences: divergences, their duals, and Lipschitz critics", &m)
	if err := env.SavePictures(append(lines, critics...)...); err != nil {
		return err
	}
	return env.WriteJSON(&m) // last: it marks a finished run
}

// ---- Estimating an f-divergence from samples ------------------------------------------

// bound is one of the f-GAN lower bounds: the bracket E_P[T] − E_Q[f*(T)]
// as a function of a network's raw outputs on samples of P and of Q.
type bound struct {
	key   string // "js", "kl", "tv"
	label string
	of    func(vp, vq *autograd.Var) *autograd.Var
}

var bounds = []bound{
	{"js", "JS", metrics.JSLowerBound},
	{"kl", "KL", metrics.KLLowerBound},
	{"tv", "TV", metrics.TVLowerBound},
}

// estimator trains V to maximise a bound between samples of P and of Q
// drawn by sampleP and sampleQ, steps Adam steps on fresh batches (with
// decay, the learning rate falling linearly to 0), and returns V. Every
// traceEvery steps (0: never) it calls trace with the step. The bound is a
// lower bound on the divergence for every V, so training can only push it
// up towards the divergence.
func estimator(env chapter.Env, cfg config, name string, steps int, decay bool, dim int, b bound, sampleP, sampleQ func(r *rand.Rand, n int) *tensor.Tensor,
	r *rand.Rand, traceEvery int, trace func(step int, V *layers.Sequential)) (*layers.Sequential, error) {
	V := gan.MLP(r, layers.ReLU{}, dim, cfg.hidden, cfg.hidden, 1) // dim → H → H → 1: the raw output V(x)
	opt := optim.NewAdam(layers.Vars(V), cfg.divLR, 0.9, 0.999)
	step := func(i int) []gan.Quantity {
		if decay {
			// The learning rate falls linearly to 0, so that the last steps
			// average the sampling noise out instead of chasing it.
			opt.SetLR(cfg.divLR * (1 - float64(i-1)/float64(steps)))
		}
		p, q := autograd.Const(sampleP(r, cfg.batch)), autograd.Const(sampleQ(r, cfg.batch)) // (B, dim) each
		objective := b.of(V.Forward(p), V.Forward(q))                                        // E_P[T] − E_Q[f*(T)]
		opt.ZeroGrad()
		autograd.Neg(objective).Backward() // gradient ascent on the bound
		opt.Step()
		if traceEvery > 0 && i%traceEvery == 0 {
			trace(i, V)
		}
		return []gan.Quantity{{Name: b.label + " bound", Value: objective.Item()}}
	}
	loop := gan.Loop{Name: name, Steps: steps, Progress: env.Stderr, Context: env.Context, Watch: map[string]layers.Module{"V": V}}
	_, err := loop.Run(step, nil)
	return V, err
}

// boundOn evaluates a bound with V on held-out samples, without a graph.
func boundOn(b bound, V *layers.Sequential, p, q *tensor.Tensor) float64 {
	var v float64
	autograd.NoGrad(func() { v = b.of(V.Forward(autograd.Const(p)), V.Forward(autograd.Const(q))).Item() })
	return v
}

// ---- 1. WGAN's parallel lines ---------------------------------------------------------------

// line returns n points (θ, yᵢ), yᵢ ~ U[0, 1]: samples of P_θ. (n, 2)
func line(theta float64, r *rand.Rand, n int) *tensor.Tensor {
	pts := make([]float64, 0, 2*n)
	for range n {
		pts = append(pts, theta, r.Float64())
	}
	return tensor.New(pts, n, 2)
}

// lineOf returns the points (θ, yᵢ) as a function of the variable θ (0-d),
// for the yᵢ of pts (n, 2): what a generator at θ produces.
func lineOf(theta *autograd.Var, pts *tensor.Tensor) *autograd.Var {
	n := pts.Dim(0)
	xs := autograd.Mul(autograd.Const(tensor.Ones(n, 1)), theta) // (n, 1), every x = θ
	ys := autograd.Const(tensor.Slice(pts, 1, 1, 2))             // (n, 1)
	return autograd.Concat(1, xs, ys)                            // (n, 2)
}

var thetas = []float64{-1, -0.75, -0.5, -0.25, -0.1, 0, 0.1, 0.25, 0.5, 0.75, 1}

// parallelLines measures W₁, JS, KL and TV between P₀ and P_θ across θ,
// and their gradients in θ at θ = ½.
func parallelLines(env chapter.Env, cfg config, m *chapter.Metrics) ([]chapter.Picture, error) {
	evalRNG := rand.New(rand.NewPCG(env.Seed, 40))
	real := line(0, evalRNG, cfg.evalN) // held-out samples of P₀, (evalN, 2)

	estimates := map[string][]float64{} // per bound, one value per θ
	var w1s []float64
	var trace [3][]plot.Point // the bounds at θ = ½ during training
	w1MaxErr, w1Grad := 0.0, 0.0
	grads := map[string]float64{} // per bound, the gradient in θ at θ = ½
	for _, theta := range thetas {
		r := rand.New(rand.NewPCG(env.Seed, 41)) // every θ starts from the same weights and the same y's
		// W₁ by optimal assignment between w1N points of each line.
		a, b := line(0, r, cfg.w1N), line(theta, r, cfg.w1N)
		w1 := metrics.W1Exact(b, a)
		w1s = append(w1s, w1)
		w1MaxErr = math.Max(w1MaxErr, math.Abs(w1-math.Abs(theta)))
		if theta == 0.5 {
			// d W₁/dθ through the optimal matching (metrics.W1ExactVar).
			th := autograd.Param(tensor.Scalar(theta))
			w := metrics.W1ExactVar(lineOf(th, b), a)
			w1Grad = autograd.Grad([]*autograd.Var{w}, []*autograd.Var{th}, false)[0].Item()
		}

		// JS, KL and TV by trained discriminators, each from the same start.
		fake := line(theta, evalRNG, cfg.evalN) // held-out samples of P_θ
		for k, bd := range bounds {
			r := rand.New(rand.NewPCG(env.Seed, 42))
			traceEvery, record := 0, func(int, *layers.Sequential) {}
			if theta == 0.5 {
				traceEvery = max(cfg.divSteps/40, 1)
				record = func(step int, V *layers.Sequential) {
					trace[k] = append(trace[k], plot.Point{X: float64(step), Y: boundOn(bd, V, real, fake)})
				}
			}
			V, err := estimator(env, cfg, fmt.Sprintf("%s, θ = %g", bd.label, theta), cfg.divSteps, false, 2, bd,
				func(r *rand.Rand, n int) *tensor.Tensor { return line(0, r, n) },
				func(r *rand.Rand, n int) *tensor.Tensor { return line(theta, r, n) }, r, traceEvery, record)
			if err != nil {
				return nil, err
			}
			estimates[bd.key] = append(estimates[bd.key], boundOn(bd, V, real, fake))
			if theta == 0.5 {
				// The gradient a generator at θ would get from this
				// discriminator: the bound on the held-out samples, with
				// the generated points as a function of θ.
				th := autograd.Param(tensor.Scalar(theta))
				var g *autograd.Var
				gan.Frozen(V, func() {
					value := bd.of(V.Forward(autograd.Const(real)), V.Forward(lineOf(th, fake)))
					g = autograd.Grad([]*autograd.Var{value}, []*autograd.Var{th}, false)[0]
				})
				grads[bd.key] = g.Item()
			}
		}
	}
	zero, half := indexOf(thetas, 0), indexOf(thetas, 0.5)
	m.Set("w1_vs_abs_theta_max_error", w1MaxErr)
	m.Set("w1_theta_zero", w1s[zero])
	m.Set("w1_theta_half", w1s[half])
	m.Set("w1_grad_theta_half", w1Grad)
	for _, bd := range bounds {
		m.Set(bd.key+"_estimate_theta_half", estimates[bd.key][half])
		m.Set(bd.key+"_grad_theta_half", grads[bd.key])
	}
	for _, bd := range bounds {
		m.Set(bd.key+"_estimate_theta_zero", estimates[bd.key][zero])
	}
	// The smallest JS and TV estimates away from θ = 0: log 2 and 1 if
	// the discriminators separated the lines at every θ ≠ 0.
	for _, key := range []string{"js", "tv"} {
		lowest := math.Inf(1)
		for i, theta := range thetas {
			if theta != 0 {
				lowest = math.Min(lowest, estimates[key][i])
			}
		}
		m.Set(key+"_estimate_min_theta_nonzero", lowest)
	}

	// Pictures: the estimates against θ with the closed forms, and the
	// bounds at θ = ½ during training.
	var w1Line, absLine, jsLine, tvLine []plot.Point
	for i, theta := range thetas {
		w1Line = append(w1Line, plot.Point{X: theta, Y: w1s[i]})
		absLine = append(absLine, plot.Point{X: theta, Y: math.Abs(theta)})
		jsLine = append(jsLine, plot.Point{X: theta, Y: estimates["js"][i]})
		tvLine = append(tvLine, plot.Point{X: theta, Y: estimates["tv"][i]})
	}
	// JS and TV jump at θ = 0: the exact values are drawn as two flat
	// pieces and a lone dot at (0, 0), NaN breaking the line between them.
	nan := math.NaN()
	jump := func(v float64) []plot.Point {
		return []plot.Point{{X: -1, Y: v}, {X: -1e-9, Y: v}, {X: nan, Y: nan}, {X: 0, Y: 0}, {X: nan, Y: nan}, {X: 1e-9, Y: v}, {X: 1, Y: v}}
	}
	jsExact, tvExact := jump(math.Log(2)), jump(1)
	pictures := []chapter.Picture{
		{Name: "lines_divergences.svg", Save: plot.LineChart{
			Title: "P₀ = (0, U[0,1]) against P_θ = (θ, U[0,1])", XLabel: "θ", YLabel: "divergence (nats) / distance",
			YRange: [2]float64{0, 1.15},
			Series: []plot.Line{ // the exact values first, under the estimates
				{Name: "exact: |θ|, JS (log 2 or 0), TV (1 or 0)", Points: absLine, Color: plot.SeriesColor(6)},
				{Points: jsExact, Color: plot.SeriesColor(6)},
				{Points: tvExact, Color: plot.SeriesColor(6)},
				{Name: "W₁ by assignment", Points: w1Line, Markers: true, Color: plot.SeriesColor(0)},
				{Name: "JS, trained D", Points: jsLine, Markers: true, Color: plot.SeriesColor(1)},
				{Name: "TV, trained D", Points: tvLine, Markers: true, Color: plot.SeriesColor(2)},
			},
		}.Save},
		{Name: "lines_training.svg", Save: plot.LineChart{
			Title: "The bounds at θ = ½ as their discriminators train", XLabel: "training step", YLabel: "lower bound (nats, log scale)",
			LogY: true, YRange: [2]float64{0.01, 1e4},
			Series: []plot.Line{{Name: "JS bound", Points: trace[0]}, {Name: "KL bound", Points: trace[1]}, {Name: "TV bound", Points: trace[2]}},
			Refs:   []plot.RefLine{{Y: math.Log(2), Label: "JS = log 2"}, {Y: 1, Label: "TV = 1"}},
		}.Save},
	}
	return pictures, nil
}

func indexOf(xs []float64, x float64) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

// ---- 2. Two Gaussians on the line ---------------------------------------------------------

// gaussEvalN is the number of held-out samples of each Gaussian on which
// the estimates are measured: on the line a network's output over 10⁵
// samples is cheap, and their sampling error (about 0.5 %) is well below
// the gaps the table shows.
const gaussEvalN = 100000

// gaussians compares every divergence between N(0, 1) and N(1, 1.2²) in
// closed form with an estimate from samples.
func gaussians(env chapter.Env, cfg config, m *chapter.Metrics) error {
	p, q := metrics.Gaussian1D{Mu: 0, Sigma: 1}, metrics.Gaussian1D{Mu: 1, Sigma: 1.2}
	sample := func(g metrics.Gaussian1D) func(r *rand.Rand, n int) *tensor.Tensor {
		return func(r *rand.Rand, n int) *tensor.Tensor {
			return tensor.AddScalar(tensor.Scale(tensor.RandN(r, n, 1), g.Sigma), g.Mu) // (n, 1)
		}
	}
	evalRNG := rand.New(rand.NewPCG(env.Seed, 50))
	ps, qs := sample(p)(evalRNG, gaussEvalN), sample(q)(evalRNG, gaussEvalN) // held out, (gaussEvalN, 1)

	// The closed forms; JS has none, and is integrated on a fine grid.
	jsd := metrics.JSDOfDensities(p.Density, q.Density, -20, 20, 400000)
	closed := []struct {
		key   string
		value float64
	}{
		{"kl_pq", metrics.KLGaussian1D(p, q)}, {"kl_qp", metrics.KLGaussian1D(q, p)}, {"js", jsd},
		{"tv", metrics.TVGaussian1D(p, q)}, {"w1", metrics.W1Gaussian1D(p, q)}, {"w2", metrics.W2Gaussian1D(p, q)},
	}
	// The estimates: the f-divergences by trained discriminators, the
	// Wasserstein distances by the sorted matching of the held-out samples.
	estimate := map[string]float64{
		"w1": metrics.W1Sorted1D(ps.Data(), qs.Data()),
		"w2": metrics.W2Sorted1D(ps.Data(), qs.Data()),
	}
	for _, job := range []struct {
		key    string
		b      bound
		p, q   metrics.Gaussian1D
		ps, qs *tensor.Tensor
	}{
		{"kl_pq", bounds[1], p, q, ps, qs}, {"kl_qp", bounds[1], q, p, qs, ps}, {"js", bounds[0], p, q, ps, qs}, {"tv", bounds[2], p, q, ps, qs},
	} {
		r := rand.New(rand.NewPCG(env.Seed, 51))
		V, err := estimator(env, cfg, "Gaussians, "+job.key, cfg.gaussSteps, true, 1, job.b, sample(job.p), sample(job.q), r, 0, nil)
		if err != nil {
			return err
		}
		estimate[job.key] = boundOn(job.b, V, job.ps, job.qs)
	}
	for _, c := range closed {
		m.Set("gauss_"+c.key+"_closed", c.value)
		m.Set("gauss_"+c.key+"_estimate", estimate[c.key])
	}
	return nil
}

// ---- 3 and 4. Critics: the dual, and Lipschitz constants ------------------------------------

// ringRadius and ringWidth make P: points at angle φ ~ U[0, 2π) and radius
// ringRadius + ringWidth·z, z ~ N(0, 1). Q is the Gaussian N(0, σ²·I₂),
// σ = -q-std.
const ringRadius, ringWidth = 2.0, 0.1

func sampleRing(r *rand.Rand, n int) *tensor.Tensor {
	pts := make([]float64, 0, 2*n)
	for range n {
		phi, rad := 2*math.Pi*r.Float64(), ringRadius+ringWidth*r.NormFloat64()
		pts = append(pts, rad*math.Cos(phi), rad*math.Sin(phi))
	}
	return tensor.New(pts, n, 2)
}

// sampleGauss returns n points of N(0, std²·I₂). (n, 2)
func sampleGauss(r *rand.Rand, n int, std float64) *tensor.Tensor {
	return tensor.Scale(tensor.RandN(r, n, 2), std)
}

// radialW1 is the exact W₁ between the ring and the Gaussian. Both are
// invariant under rotations, so W₁ is the W₁ of their radii: a critic
// f(x) = h(‖x‖) with h 1-Lipschitz is 1-Lipschitz, so W₁ is at least the
// radii's W₁, and moving each point along its own ray, radii matched by
// quantile, is a transport plan that costs exactly that. The radii's W₁ is
// ∫₀¹ |F⁻¹(t) − G⁻¹(t)| dt with the ring's quantile 2 + 0.1·Φ⁻¹(t) and the
// Gaussian's radius (Rayleigh) quantile σ·√(−2·log(1 − t)), by the midpoint
// rule on 10⁶ cells. (The ring's radius is negative with probability
// Φ(−20) ≈ 10⁻⁸⁹, which the formula ignores.) When no Gaussian radius
// reaches the ring, as for σ = 0.3 (the chance is below 10⁻⁵), the optimal
// critic is f(x) = ‖x‖ and W₁ = E‖x‖_P − E‖x‖_Q = 2 − σ·√(π/2).
func radialW1(std float64) float64 {
	const n = 1000000
	total := 0.0
	for i := range n {
		t := (float64(i) + 0.5) / n
		ring := ringRadius + ringWidth*math.Sqrt2*math.Erfinv(2*t-1)
		gauss := std * math.Sqrt(-2*math.Log(1-t))
		total += math.Abs(ring - gauss)
	}
	return total / n
}

// critic is one way of training a Wasserstein critic: "none", "clip",
// "gp" or "sn".
type critic struct{ key, label string }

// mlpCritic is 2 → W → W → W → 1 with ReLU, every critic's network.
func mlpCritic(r *rand.Rand, w int) *layers.Sequential {
	return gan.MLP(r, layers.ReLU{}, 2, w, w, w, 1)
}

// trainCritic builds critic c's network from r and trains it env.Steps
// Adam steps on batches of P and Q drawn from r. r serves nothing else: the
// penalty's interpolation weights α come from a stream of their own (62),
// and so do spectral normalisation's power-iteration vectors u and v (63).
// Given the same r, the four critics start from the same weights (before
// normalisation) and see the same batches.
func trainCritic(env chapter.Env, cfg config, c critic, r *rand.Rand) (*layers.Sequential, error) {
	f := mlpCritic(r, cfg.criticWidth)
	if c.key == "sn" {
		f = gan.WithSpectralNorm(rand.New(rand.NewPCG(env.Seed, 63)), f) // every Linear divided by its σ
	}
	alphaRNG := rand.New(rand.NewPCG(env.Seed, 62))
	params := layers.Vars(f)
	if c.key == "clip" {
		gan.ClipWeights(params, cfg.clip) // start inside the constraint
	}
	opt := optim.NewAdam(params, cfg.criticLR, 0.5, 0.9)
	loss := gan.Wasserstein{}
	step := func(int) []gan.Quantity {
		real, fake := sampleRing(r, cfg.batch), sampleGauss(r, cfg.batch, cfg.qStd)       // (B, 2) each: P and Q
		lossC := loss.D(f.Forward(autograd.Const(real)), f.Forward(autograd.Const(fake))) // E f(Q) − E f(P)
		if c.key == "gp" {
			gp, _ := gan.GradientPenalty(f.Forward, real, fake, alphaRNG) // E (‖∇f(x̂)‖ − 1)²
			lossC = autograd.Add(lossC, autograd.Scale(gp, cfg.lambda))
		}
		opt.ZeroGrad()
		lossC.Backward()
		opt.Step()
		if c.key == "clip" {
			gan.ClipWeights(params, cfg.clip)
		}
		return []gan.Quantity{{Name: "critic loss", Value: lossC.Item()}}
	}
	loop := gan.Loop{Name: "critic, " + c.label, Steps: env.Steps, Progress: env.Stderr, Context: env.Context,
		Watch: map[string]layers.Module{"critic": f}}
	_, err := loop.Run(step, nil)
	return f, err
}

// lipschitzCritics trains the four critics on the ring against the
// Gaussian and measures each one's estimate of W₁ and Lipschitz constant.
func lipschitzCritics(env chapter.Env, cfg config, m *chapter.Metrics) ([]chapter.Picture, error) {
	exact := radialW1(cfg.qStd)
	evalRNG := rand.New(rand.NewPCG(env.Seed, 60))
	ps, qs := sampleRing(evalRNG, cfg.evalN), sampleGauss(evalRNG, cfg.evalN, cfg.qStd) // held out, (evalN, 2)
	const assignN = 512
	m.Set("w1_exact", exact)
	m.Set("w1_assignment_512", metrics.W1Exact(sampleRing(evalRNG, assignN), sampleGauss(evalRNG, assignN, cfg.qStd)))

	critics := []critic{
		{"none", "no constraint"},
		{"clip", fmt.Sprintf("clipped to ±%g", cfg.clip)},
		{"gp", fmt.Sprintf("gradient penalty λ = %g", cfg.lambda)},
		{"sn", "spectral norm"},
	}
	loss := gan.Wasserstein{}
	var pictures []chapter.Picture
	for _, c := range critics {
		f, err := trainCritic(env, cfg, c, rand.New(rand.NewPCG(env.Seed, 61))) // the same weights and batches for all four
		if err != nil {
			return nil, err
		}

		// The dual estimate on held-out samples, and the Lipschitz bracket:
		// gradient norms at the data and at interpolates, slopes between
		// random pairs, and the product of spectral norms.
		layers.SetTraining(f, false) // spectral norm: measure the weights as they are, no more power iterations
		var estimate float64
		autograd.NoGrad(func() {
			estimate = -loss.D(f.Forward(autograd.Const(ps)), f.Forward(autograd.Const(qs))).Item() // E f(P) − E f(Q)
		})
		alpha := tensor.RandU(evalRNG, 0, 1, cfg.evalN, 1)
		interp := tensor.Add(qs, tensor.Mul(alpha, tensor.Sub(ps, qs))) // (evalN, 2)
		points := tensor.Concat(0, ps, qs, interp)                      // (3·evalN, 2)
		maxNorm := maxOf(gan.GradientNorms(f.Forward, points).Data())
		pairs := tensor.IndexSelect(points, 0, evalRNG.Perm(points.Dim(0))) // the points in a random order: pairs (pointsᵢ, pairsᵢ)
		// f/L is 1-Lipschitz if L is f's constant, so estimate/L would be a
		// lower bound on W₁ if maxNorm were the true constant; the measured
		// one can only be smaller, so estimate/maxNorm may slightly overshoot.
		m.Set("dual_"+c.key, estimate)
		m.Set("dual_normalised_"+c.key, estimate/maxNorm)
		m.Set("lipschitz_"+c.key, maxNorm)
		m.Set("lipschitz_slope_"+c.key, gan.MaxSlope(f.Forward, points, pairs))
		m.Set("lipschitz_bound_"+c.key, gan.LipschitzBound(f))
		if c.key == "gp" {
			m.Set("dual_vs_exact_rel_error", math.Abs(estimate/maxNorm-exact)/exact)
			m.Set("dual_gp_raw_rel_error", math.Abs(estimate-exact)/exact)
			// The penalty is soft: a slope s gains s·W₁ and costs about
			// λ(s − 1)², which is best at s = 1 + W₁/(2λ).
			m.Set("gp_slope_model", 1+exact/(2*cfg.lambda))
		}

		window := plot.Window{XMin: -3.2, XMax: 3.2, YMin: -3.2, YMax: 3.2}
		field := gan.Field(f.Forward, window, 80, 80, 0, 0)
		field.Label = "critic value f(x)"
		shown := min(500, cfg.evalN) // samples drawn of each distribution
		gen := plot.Generated(gan.Points(tensor.Slice(qs, 0, 0, shown)))
		gen.Label = fmt.Sprintf("Q: Gaussian N(0, %g²·I)", cfg.qStd)
		ring := plot.Real(gan.Points(tensor.Slice(ps, 0, 0, shown)))
		ring.Label = "P: ring of radius 2"
		pictures = append(pictures, chapter.Picture{Name: "critic_" + c.key + ".svg", Save: plot.Scatter{
			Window: window, Title: fmt.Sprintf("Critic, %s: E f(P) − E f(Q) = %.3g, W₁ = %.3f", c.label, estimate, exact),
			XLabel: "x₁", YLabel: "x₂", Field: field, Layers: []plot.Dots{ring, gen},
		}.Save})
	}
	return pictures, nil
}

func maxOf(xs []float64) float64 {
	best := math.Inf(-1)
	for _, x := range xs {
		best = math.Max(best, x)
	}
	return best
}
