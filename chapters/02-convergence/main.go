// Chapter 02 mirrors the article's section "Inconvenientes del uso de las
// GAN — 2. Convergencia".
//
// When do we stop training a GAN? The two players pull against each other:
// whatever the generator gains the discriminator loses, so neither loss
// falls steadily as the samples get better, and the loss curves cannot
// tell us that training has converged, or even that it is going anywhere.
// This program shows why, on the smallest GAN there is, and measures it on
// a real one.
//
//  1. The Dirac-GAN (Mescheder, Geiger and Nowozin 2018, arXiv 1801.04406,
//     §2). The data are a single point, x = 0 (p = δ₀); the generator
//     produces a single point θ (q = δ_θ); the discriminator is the line
//     D(x) = ψ·x, a logit. The minimax game is
//
//     L(θ, ψ) = log σ(D(0)) + log(1 − σ(D(θ))) = −log 2 − softplus(ψθ),
//
//     which D maximises over ψ and G minimises over θ. Its only equilibrium
//     is (θ, ψ) = (0, 0). Gradient steps follow the field
//     v(θ, ψ) = (−∂L/∂θ, ∂L/∂ψ) = (σ(ψθ)·ψ, −σ(ψθ)·θ), which is everywhere
//     perpendicular to (θ, ψ): the flow circles the equilibrium and never
//     reaches it. Its Jacobian there,
//
//     J = [[0, ½], [−½, 0]],   eigenvalues ±i/2,
//
//     has purely imaginary eigenvalues. Simultaneous gradient steps
//     (θ, ψ) ← (θ, ψ) + h·v multiply the distance to the equilibrium by
//     |1 ± ih/2| > 1 near it: they spiral outward, for every step size h.
//     Alternating steps (D first, then G against the new D) keep circling.
//     The R₁ penalty (γ/2)·E_p‖∇ₓD(x)‖² = (γ/2)·ψ² on D adds −γ to the
//     Jacobian's corner, and instance noise (x + ε, ε ~ N(0, σ²), on both
//     real and generated points) adds −σ²/2 there: the eigenvalues get
//     negative real parts and the steps converge.
//
//     The program runs the four (simultaneous, alternating, simultaneous
//     with R₁, simultaneous with instance noise) from (1, 1) and reports
//     the final distance to (0, 0) over the initial one
//     (dirac_*_radius_ratio). It builds J with our own autograd: the field
//     is a gradient taken with createGraph, differentiated once more (for
//     R₁, whose penalty is itself a gradient, that is a third derivative),
//     and prints J's eigenvalues (dirac_eig_real_*, dirac_eig_imag_*).
//
//  2. A GAN on the 8 Gaussians (non-saturating loss, chapter 01's
//     networks and budget), with WGAN-GP beside it. At every evaluation
//     the program measures the exact W₁ between 512 generated and 512 real
//     samples (optimal assignment) and, on the same samples, the GAN's two
//     losses and WGAN-GP's critic estimate E f(real) − E f(fake). The
//     Pearson correlation of each with W₁ over the run says how much the
//     number tells about the distance to the data:
//     gan_gloss_w1_correlation, gan_dloss_w1_correlation,
//     wgangp_critic_w1_correlation.
//
// Run it with
//
//	go run ./chapters/02-convergence
//
// and look in out/02-convergence/: dirac_simultaneous.svg,
// dirac_alternating.svg, dirac_r1.svg and dirac_noise.svg (each run's path
// over its gradient field), dirac_radius.svg, gan_losses.svg and gan_w1.svg
// (the GAN's losses and W₁), wgangp_estimate.svg (the critic's estimate
// beside W₁), gan_samples.svg and wgangp_samples.svg, and metrics.json,
// written last. What to see: the simultaneous path spirals out, the
// alternating one circles, R₁ and noise spiral in; the GAN's losses sit
// at their equilibrium values, log 4 and log 2, when its samples are at
// their worst and drift away from them as it improves, while WGAN-GP's
// critic estimate falls with W₁.
package main

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"os"

	"ganbook/autograd"
	"ganbook/gan"
	"ganbook/gan/chapter"
	"ganbook/gan/data"
	"ganbook/gan/live"
	"ganbook/gan/metrics"
	"ganbook/gan/plot"
	"ganbook/tensor"
)

// config holds the chapter's own settings: the Dirac-GAN's step size,
// length, R₁ weight and noise; the toy budget (batch, width, learning
// rates, WGAN-GP's λ, evaluation) and the number of samples W₁ is measured
// on.
type config struct {
	diracSteps int     // gradient steps of each Dirac-GAN run
	diracLR    float64 // h
	gamma      float64 // R₁ weight γ
	sigma      float64 // instance noise σ
	noiseN     int     // noise draws per step (and per side) with instance noise
	budget     gan.ToyBudget
	evalN      int // samples of each side of the exact W₁
}

var spec = chapter.Spec{
	Name:     "02-convergence",
	Defaults: chapter.Flags{Seed: 1, Steps: 1000},
	Outputs: []string{"dirac_simultaneous.svg", "dirac_alternating.svg", "dirac_r1.svg", "dirac_noise.svg", "dirac_radius.svg",
		"gan_losses.svg", "gan_w1.svg", "wgangp_estimate.svg", "gan_samples.svg", "wgangp_samples.svg"},
	Setup: func(fs *chapter.FlagSet) func(chapter.Env) error {
		cfg := config{diracSteps: 600, diracLR: 0.1, gamma: 0.3, sigma: 0.7, noiseN: 16, budget: gan.DefaultToyBudget(), evalN: 512}
		fs.Int(&cfg.diracSteps, "dirac-steps", cfg.diracSteps, "gradient steps of each Dirac-GAN run", 1)
		fs.Float(&cfg.diracLR, "dirac-lr", cfg.diracLR, "the Dirac-GAN's step size h", chapter.Positive)
		fs.Float(&cfg.gamma, "gamma", cfg.gamma, "R₁ penalty weight γ on the Dirac-GAN's D", chapter.Positive)
		fs.Float(&cfg.sigma, "sigma", cfg.sigma, "instance noise σ on the Dirac-GAN", chapter.Positive)
		fs.Int(&cfg.noiseN, "noise-n", cfg.noiseN, "instance-noise draws per step and side", 1)
		cfg.budget.RegisterFlags(fs)
		fs.Int(&cfg.evalN, "eval-n", cfg.evalN, "samples of each side of the exact W₁", 2)
		fs.Memory(func(f chapter.Flags) []chapter.Need { return memory(cfg, f.Steps) })
		fs.Serve("watch and steer part 2's non-saturating GAN live in a browser at this address (localhost:8080) instead of running the chapter",
			func(addr string, env chapter.Env) error {
				lr := 1e-4 * cfg.budget.LRScale
				return live.Serve(env.Context, addr, live.Config{Data: "8-gaussians", Loss: "non-saturating",
					LRG: lr, LRD: lr, Seed: env.Seed, Batch: cfg.budget.Batch, Hidden: cfg.budget.Width}, env.Stdout)
			})
		return func(env chapter.Env) error { return run(env, cfg) }
	},
}

// memory estimates what a run takes: the toy runs' networks, activations
// and histories (gan.ToyBudget.Memory), the exact W₁'s cost matrix, the
// Dirac-GAN's paths and its noise batches.
func memory(cfg config, steps int) []chapter.Need {
	needs := cfg.budget.Memory(steps, 2)
	n := float64(cfg.evalN)
	return append(needs,
		chapter.Need{What: fmt.Sprintf("the exact W₁'s cost matrix (-eval-n %d)", cfg.evalN), Bytes: 3 * n * n * 8},
		chapter.Need{What: fmt.Sprintf("the Dirac-GAN's paths (-dirac-steps %d)", cfg.diracSteps), Bytes: 4 * float64(cfg.diracSteps) * 4 * 8},
		chapter.Need{What: fmt.Sprintf("a Dirac-GAN step's graph (-noise-n %d)", cfg.noiseN), Bytes: 40 * float64(cfg.noiseN) * 8})
}

func main() { os.Exit(chapter.Main(spec, os.Args[1:], os.Stdout, os.Stderr)) }

func run(env chapter.Env, cfg config) error {
	var m chapter.Metrics
	paths, err := diracGAN(env, cfg, &m)
	if err != nil {
		return err
	}
	toy, err := toyGANs(env, cfg, &m)
	if err != nil {
		return err
	}
	chapter.PrintTable(env.Stdout, "02-convergence: the Dirac-GAN, and what a GAN's losses say about W₁", &m)
	if err := env.SavePictures(append(diracPictures(cfg, paths, env.Seed), toyPictures(env, toy)...)...); err != nil {
		return err
	}
	return env.WriteJSON(&m) // last: it marks a finished run
}

// ---- 1. The Dirac-GAN -----------------------------------------------------------------

// regime is one way of training the Dirac-GAN. Its three names are
// fixed by the metrics and pictures the doc and tests name.
type regime struct {
	metric      string // in dirac_<metric>_radius_ratio
	eigMetric   string // in dirac_eig_real_<eigMetric> and dirac_eig_imag_<eigMetric>; "" if J is not measured
	file        string // the picture dirac_<file>.svg
	label       string
	alternating bool    // D steps first, then G against the new ψ; otherwise both from the same point
	gamma       float64 // R₁ weight γ, 0 for none
	sigma       float64 // instance noise σ, 0 for none
}

// diracGrads returns the two players' gradients at (θ, ψ): ∂L_G/∂θ and
// ∂L_D/∂ψ, where D minimises L_D = −L (+ (γ/2)·R₁) and G minimises
// L_G = L, each as a (0-d) variable. realNoise and fakeNoise (N, 1) are the
// instance noise added to the data point 0 and to the generated point θ
// (zeros without noise). With createGraph the gradients are themselves
// differentiable in θ and ψ.
func diracGrads(theta, psi *autograd.Var, reg regime, realNoise, fakeNoise *tensor.Tensor, createGraph bool) (gTheta, gPsi *autograd.Var) {
	D := func(x *autograd.Var) *autograd.Var { return autograd.Mul(x, psi) } // D(x) = ψ·x, a logit, (N, 1)
	real := autograd.Const(realNoise)                                        // 0 + ε, (N, 1)
	fake := autograd.Add(theta, autograd.Const(fakeNoise))                   // θ + ε', (N, 1)
	loss := gan.Minimax{}
	lossD := loss.D(D(real), D(fake)) // E softplus(−ψ·x) + E softplus(ψ·(θ + ε')) = −L
	if reg.gamma > 0 {
		r1, _ := gan.R1Penalty(D, realNoise)                         // E ‖∇ₓD(x)‖² over the data = ψ²
		lossD = autograd.Add(lossD, autograd.Scale(r1, reg.gamma/2)) // −L + (γ/2)·R₁
	}
	lossG := loss.G(nil, D(fake)) // −E softplus(ψ·(θ + ε')) = L (up to the constant)
	gPsi = autograd.Grad([]*autograd.Var{lossD}, []*autograd.Var{psi}, createGraph)[0]
	gTheta = autograd.Grad([]*autograd.Var{lossG}, []*autograd.Var{theta}, createGraph)[0]
	return gTheta, gPsi
}

// scalar returns a 0-d parameter holding v.
func scalar(v float64) *autograd.Var { return autograd.Param(tensor.Scalar(v)) }

// diracPath is one run of the Dirac-GAN: its regime and the points
// (θ, ψ) it visited, the start first.
type diracPath struct {
	regime
	points []plot.Point
}

func (p diracPath) radius(i int) float64 { return math.Hypot(p.points[i].X, p.points[i].Y) }

// diracGAN trains the Dirac-GAN four ways and measures the Jacobian of its
// gradient field at the equilibrium.
func diracGAN(env chapter.Env, cfg config, m *chapter.Metrics) ([]diracPath, error) {
	regimes := []regime{
		{metric: "simgd", eigMetric: "plain", file: "simultaneous", label: "simultaneous steps"},
		// Alternating steps follow no single field, so J is not measured.
		{metric: "altgd", file: "alternating", label: "alternating steps", alternating: true},
		{metric: "r1", eigMetric: "r1", file: "r1", label: fmt.Sprintf("simultaneous, R₁ γ = %g", cfg.gamma), gamma: cfg.gamma},
		{metric: "noise", eigMetric: "noise", file: "noise", label: fmt.Sprintf("simultaneous, instance noise σ = %g", cfg.sigma), sigma: cfg.sigma},
	}
	h := cfg.diracLR
	var paths []diracPath
	for _, reg := range regimes {
		r := rand.New(rand.NewPCG(env.Seed, 20)) // the instance noise
		// noise draws ε for each side: N of them with instance noise, a
		// single 0 without.
		noise := func() *tensor.Tensor {
			if reg.sigma == 0 {
				return tensor.Zeros(1, 1)
			}
			return gan.InstanceNoise(r, tensor.Zeros(cfg.noiseN, 1), reg.sigma) // (N, 1)
		}
		theta, psi := 1.0, 1.0
		path := diracPath{regime: reg, points: []plot.Point{{X: theta, Y: psi}}}
		step := func(int) []gan.Quantity {
			if reg.alternating {
				// D's step, then G's step against the updated D.
				_, gPsi := diracGrads(scalar(theta), scalar(psi), reg, noise(), noise(), false)
				psi -= h * gPsi.Item()
				gTheta, _ := diracGrads(scalar(theta), scalar(psi), reg, noise(), noise(), false)
				theta -= h * gTheta.Item()
			} else {
				// Both gradients at the same point, then both steps.
				gTheta, gPsi := diracGrads(scalar(theta), scalar(psi), reg, noise(), noise(), false)
				theta, psi = theta-h*gTheta.Item(), psi-h*gPsi.Item()
			}
			path.points = append(path.points, plot.Point{X: theta, Y: psi})
			return []gan.Quantity{{Name: "θ", Value: theta}, {Name: "ψ", Value: psi}}
		}
		loop := gan.Loop{Name: "Dirac-GAN, " + reg.label, Steps: cfg.diracSteps, Progress: env.Stderr, Context: env.Context}
		if _, err := loop.Run(step, nil); err != nil {
			return nil, err
		}
		paths = append(paths, path)
		m.Set("dirac_"+reg.metric+"_radius_ratio", path.radius(len(path.points)-1)/path.radius(0))
	}

	// ---- 2. The Jacobian of the gradient field at the equilibrium -------------------
	// v(θ, ψ) = −(∂L_G/∂θ, ∂L_D/∂ψ), built with createGraph = true, then
	// differentiated once more: row i of J is ∇_(θ, ψ) vᵢ. With instance
	// noise the field is an expectation over ε; a fixed batch of
	// jacobianNoise draws stands in for it.
	r := rand.New(rand.NewPCG(env.Seed, 21))
	for _, reg := range regimes {
		if reg.eigMetric == "" {
			continue
		}
		realNoise, fakeNoise := tensor.Zeros(1, 1), tensor.Zeros(1, 1)
		if reg.sigma > 0 {
			realNoise = gan.InstanceNoise(r, tensor.Zeros(jacobianNoise, 1), reg.sigma)
			fakeNoise = gan.InstanceNoise(r, tensor.Zeros(jacobianNoise, 1), reg.sigma)
		}
		J := jacobian(reg, realNoise, fakeNoise)
		l1, _ := eigenvalues2x2(J)
		m.Set("dirac_eig_real_"+reg.eigMetric, real(l1))
		m.Set("dirac_eig_imag_"+reg.eigMetric, math.Abs(imag(l1)))
	}
	m.Set("dirac_eig_real_r1_predicted", real(predictedEig(-cfg.gamma)))
	m.Set("dirac_eig_real_noise_predicted", real(predictedEig(-cfg.sigma*cfg.sigma/2)))
	return paths, nil
}

// jacobianNoise is the number of instance-noise draws per side that stand
// in for the expectation over ε in the Jacobian, and fieldNoise the number
// behind the field drawn under each run: fewer, because the picture
// evaluates the field at every arrow, and arrows need no more precision.
const jacobianNoise, fieldNoise = 4096, 256

// jacobian returns J = ∂v/∂(θ, ψ) at (0, 0) for the regime, as [row][col]
// with rows (v_θ, v_ψ) and columns (θ, ψ).
func jacobian(reg regime, realNoise, fakeNoise *tensor.Tensor) [2][2]float64 {
	theta, psi := scalar(0), scalar(0)
	gTheta, gPsi := diracGrads(theta, psi, reg, realNoise, fakeNoise, true)
	var J [2][2]float64
	for i, v := range []*autograd.Var{autograd.Neg(gTheta), autograd.Neg(gPsi)} {
		row := autograd.Grad([]*autograd.Var{v}, []*autograd.Var{theta, psi}, false)
		J[i] = [2]float64{row[0].Item(), row[1].Item()}
	}
	return J
}

// eigenvalues2x2 returns the eigenvalues of a real 2 × 2 matrix, the roots
// of λ² − tr·λ + det = 0: λ = tr/2 ± √(tr²/4 − det), the one with the
// non-negative imaginary part first.
func eigenvalues2x2(J [2][2]float64) (complex128, complex128) {
	tr, det := J[0][0]+J[1][1], J[0][0]*J[1][1]-J[0][1]*J[1][0]
	root := cmplx.Sqrt(complex(tr*tr/4-det, 0))
	return complex(tr/2, 0) + root, complex(tr/2, 0) - root
}

// predictedEig is the eigenvalue of [[0, ½], [−½, c]], the Jacobian with c
// in D's corner (c = −γ for R₁, c = 2·f″(0)·σ² = −σ²/2 for instance noise).
func predictedEig(c float64) complex128 {
	l, _ := eigenvalues2x2([2][2]float64{{0, 0.5}, {-0.5, c}})
	return l
}

// ---- 3. A GAN on the 8 Gaussians, and WGAN-GP -------------------------------------------

// toyRun is what a toy run leaves for the results and pictures: the
// run itself and, per evaluation, the exact W₁ and the numbers measured on
// the same samples.
type toyRun struct {
	res                          *gan.ToyResult
	steps, w1, dLoss, gLoss, est []float64
}

// evaluation is what is measured at one evaluation of a toy run, all on
// the same samples: the exact W₁, D's and G's losses, and the critic's
// estimate E D(real) − E D(fake).
type evaluation struct{ w1, dLoss, gLoss, estimate float64 }

// evaluate generates G(evalZ), as many samples as evalReal (n, 2), and
// measures the exact W₁ between them and evalReal (optimal assignment) and,
// on the same two sets, D's and G's losses and D's mean score on the real
// samples minus that on the generated ones. Nothing is recorded.
func evaluate(loss gan.Loss, D, G func(*autograd.Var) *autograd.Var, evalReal *tensor.Tensor, evalZ *autograd.Var) evaluation {
	var e evaluation
	autograd.NoGrad(func() {
		fake := G(evalZ).Value // (n, 2)
		dReal, dFake := D(autograd.Const(evalReal)), D(autograd.Const(fake))
		e = evaluation{
			w1:       metrics.W1Exact(fake, evalReal),
			dLoss:    loss.D(dReal, dFake).Item(),
			gLoss:    loss.G(dReal, dFake).Item(),
			estimate: autograd.Mean(dReal).Item() - autograd.Mean(dFake).Item(),
		}
	})
	return e
}

// toyGANs trains the non-saturating GAN and WGAN-GP on the 8 Gaussians
// under one budget and, at every evaluation, measures the exact W₁ between
// evalN generated and evalN real samples and, on the same samples, the
// GAN's losses or the critic's estimate.
func toyGANs(env chapter.Env, cfg config, m *chapter.Metrics) ([2]toyRun, error) {
	b := cfg.budget
	target := data.Gaussians8()
	evalRNG := rand.New(rand.NewPCG(env.Seed, 30))
	evalReal := target.Sample(evalRNG, cfg.evalN)                // (evalN, 2)
	evalZ := autograd.Const(tensor.RandN(evalRNG, cfg.evalN, 2)) // (evalN, 2): the same noise at every evaluation
	w1Floor := metrics.W1Exact(evalReal, target.Sample(rand.New(rand.NewPCG(env.Seed, 31)), cfg.evalN))

	var runs [2]toyRun
	for k, g := range []struct {
		name string
		game gan.Game
		nets gan.Networks
		loss gan.Loss
	}{
		{"GAN", gan.OneToOne(gan.NonSaturating{}), b.PacGAN(), gan.NonSaturating{}}, // chapter 01's GAN
		{"WGAN-GP", gan.WGANGP(b.Lambda), b.WGANGP(), gan.Wasserstein{}},
	} {
		tr := &runs[k]
		after := func(step int, t *gan.Toy, _ *tensor.Tensor) error {
			e := evaluate(g.loss, t.D.Forward, t.G.Forward, evalReal, evalZ)
			tr.steps = append(tr.steps, float64(step))
			tr.w1, tr.dLoss, tr.gLoss, tr.est = append(tr.w1, e.w1), append(tr.dLoss, e.dLoss), append(tr.gLoss, e.gLoss), append(tr.est, e.estimate)
			return nil
		}
		res, err := gan.ToyRun{Name: g.name + " " + target.Name, Game: g.game, Networks: g.nets, Data: target,
			Budget: b, Seed: env.Seed, Steps: env.Steps, Progress: env.Stderr, Context: env.Context, AfterEval: after}.Run()
		if err != nil {
			return runs, err
		}
		tr.res = res
	}

	// ---- 4. Results ------------------------------------------------------------------
	gan8, wgp := runs[0], runs[1]
	m.Set("gan_gloss_w1_correlation", metrics.Pearson(gan8.gLoss, gan8.w1))
	m.Set("gan_dloss_w1_correlation", metrics.Pearson(gan8.dLoss, gan8.w1))
	m.Set("wgangp_critic_w1_correlation", metrics.Pearson(wgp.est, wgp.w1))
	// The same over the second half of the evaluations, once the early
	// rush is over.
	late := len(gan8.w1) / 2
	m.Set("gan_gloss_w1_correlation_late", metrics.Pearson(gan8.gLoss[late:], gan8.w1[late:]))
	m.Set("gan_dloss_w1_correlation_late", metrics.Pearson(gan8.dLoss[late:], gan8.w1[late:]))
	m.Set("wgangp_critic_w1_correlation_late", metrics.Pearson(wgp.est[late:], wgp.w1[late:]))
	// "first" is the first evaluation (step -eval-every), "last" the end.
	last := len(gan8.w1) - 1
	m.Set("gan_w1_first", gan8.w1[0])
	m.Set("gan_w1_last", gan8.w1[last])
	m.Set("gan_dloss_first", gan8.dLoss[0])
	m.Set("gan_dloss_last", gan8.dLoss[last])
	m.Set("gan_gloss_first", gan8.gLoss[0])
	m.Set("gan_gloss_last", gan8.gLoss[last])
	m.Set("wgangp_w1_first", wgp.w1[0])
	m.Set("wgangp_w1_last", wgp.w1[last])
	m.Set("wgangp_critic_first", wgp.est[0])
	m.Set("wgangp_critic_last", wgp.est[last])
	m.Set("w1_floor", w1Floor)
	m.Set("gan_modes", float64(gan8.res.FinalCoverage().Modes))
	m.Set("wgangp_modes", float64(wgp.res.FinalCoverage().Modes))
	m.Set("evaluations", float64(len(gan8.w1)))
	return runs, nil
}

// ---- 5. Pictures --------------------------------------------------------------------------

// diracPictures draws each Dirac-GAN run over its own gradient field, and
// the distances to the equilibrium over the steps. The run's seed draws
// the instance noise of the field drawn (stream 22).
func diracPictures(cfg config, paths []diracPath, seed uint64) []chapter.Picture {
	window := plot.Window{XMin: -2.5, XMax: 2.5, YMin: -2.5, YMax: 2.5}
	var out []chapter.Picture
	var radii []plot.Line
	for i, p := range paths {
		reg := p.regime
		// The field drawn is the expected one: for instance noise, the mean
		// over a fixed batch of ε.
		r := rand.New(rand.NewPCG(seed, 22))
		realNoise, fakeNoise := tensor.Zeros(1, 1), tensor.Zeros(1, 1)
		if reg.sigma > 0 {
			realNoise = gan.InstanceNoise(r, tensor.Zeros(fieldNoise, 1), reg.sigma)
			fakeNoise = gan.InstanceNoise(r, tensor.Zeros(fieldNoise, 1), reg.sigma)
		}
		field := func(theta, psi float64) (float64, float64) {
			gTheta, gPsi := diracGrads(scalar(theta), scalar(psi), reg, realNoise, fakeNoise, false)
			return -gTheta.Item(), -gPsi.Item()
		}
		out = append(out, chapter.Picture{Name: "dirac_" + reg.file + ".svg",
			Save: plot.VectorField{Window: window, Title: "Dirac-GAN: " + reg.label, XLabel: "θ (generator)", YLabel: "ψ (discriminator)",
				V: field, Trajectories: []plot.Line{{Name: fmt.Sprintf("%d steps, h = %g", len(p.points)-1, cfg.diracLR), Points: p.points}}}.Save})
		var pts []plot.Point
		for k := range p.points {
			pts = append(pts, plot.Point{X: float64(k), Y: p.radius(k)})
		}
		radii = append(radii, plot.Line{Name: reg.label, Points: pts, Color: plot.SeriesColor(i)})
	}
	return append(out, chapter.Picture{Name: "dirac_radius.svg", Save: plot.LineChart{
		Title: "Dirac-GAN: distance to the equilibrium (0, 0)", XLabel: "step", YLabel: "‖(θ, ψ)‖", LogY: true,
		Series: radii, Refs: []plot.RefLine{{Y: math.Sqrt2, Label: "start"}},
	}.Save})
}

// toyPictures draws the GAN's losses and W₁, WGAN-GP's estimate beside
// its W₁, and both runs' samples.
func toyPictures(env chapter.Env, runs [2]toyRun) []chapter.Picture {
	line := func(name string, xs, ys []float64) plot.Line {
		pts := make([]plot.Point, len(xs))
		for i := range xs {
			pts[i] = plot.Point{X: xs[i], Y: ys[i]}
		}
		return plot.Line{Name: name, Points: pts, Markers: len(xs) <= 60}
	}
	gan8, wgp := runs[0], runs[1]
	target := data.Gaussians8()
	real := target.Sample(rand.New(rand.NewPCG(env.Seed, 101)), 500)
	return []chapter.Picture{
		{Name: "gan_losses.svg", Save: plot.LineChart{
			Title: "The GAN's losses on the evaluation samples", XLabel: "generator step", YLabel: "loss (nats)",
			Series: []plot.Line{line("D loss", gan8.steps, gan8.dLoss), line("G loss", gan8.steps, gan8.gLoss)},
			Refs:   []plot.RefLine{{Y: math.Log(4), Label: "log 4"}, {Y: math.Log(2), Label: "log 2"}},
		}.Save},
		{Name: "gan_w1.svg", Save: plot.LineChart{
			Title: "The GAN's distance to the data: exact W₁", XLabel: "generator step", YLabel: "W₁",
			Series: []plot.Line{line("W₁, GAN", gan8.steps, gan8.w1), line("W₁, WGAN-GP", wgp.steps, wgp.w1)},
		}.Save},
		{Name: "wgangp_estimate.svg", Save: plot.LineChart{
			Title: "WGAN-GP: the critic's estimate beside the exact W₁", XLabel: "generator step", YLabel: "distance",
			Series: []plot.Line{line("exact W₁", wgp.steps, wgp.w1), line("critic estimate E f(real) − E f(fake)", wgp.steps, wgp.est)},
		}.Save},
		{Name: "gan_samples.svg", Save: gan.ToyScatter(fmt.Sprintf("GAN on 8 Gaussians after %d steps", env.Steps),
			gan8.res.D, gan8.res.Samples, target, real, true).Save},
		{Name: "wgangp_samples.svg", Save: gan.ToyScatter(fmt.Sprintf("WGAN-GP on 8 Gaussians after %d steps", env.Steps),
			wgp.res.D, wgp.res.Samples, target, real, false).Save},
	}
}
