// Chapter 13 mirrors the article's section "Técnicas para mejorar el
// rendimiento — 7. GANs relativistas".
//
// A standard discriminator judges each sample alone: D(x) = σ(C(x)), with
// C(x) its raw output (logit), is the probability that x is real. The
// relativistic discriminator of Jolicoeur-Martineau (2018, arXiv
// 1807.00734) judges a real sample against generated ones:
//
//	RSGAN:   D(x_r, x_f) = σ(C(x_r) − C(x_f))         one real against one fake
//	RaSGAN:  D_ra(x_r)   = σ(C(x_r) − E_{x_f} C(x_f))  one real against the average fake
//
// is the probability that x_r is more realistic than x_f (or than the
// average fake). Its losses (gan.RelativisticStandard,
// gan.RelativisticAverage; gan.RelativisticAverageLeastSquares puts LSGAN's
// squares on the same relative outputs) have the generator's loss depend
// on the real batch too:
//
//	RaSGAN: G minimises ½·[E softplus(C(x_r) − m_f) + E softplus(−(C(x_f) − m_r))]
//
// with m_r, m_f the mean outputs on real and generated samples, so that a
// generator step, which raises m_f, also lowers D_ra(x_r). The paper's
// argument, which the article repeats: half of what D sees is fake, so as
// the fakes become realistic D should say ½ to real data as well; a
// standard D is pushed to call every real sample real (D(x_r) → 1), which
// the generator's loss can do nothing about, while the relativistic D's
// verdict on real data should settle towards ½ as G improves.
//
// The program has two parts:
//
//  1. Training. The standard (non-saturating) GAN, RSGAN, RaSGAN and
//     RaLSGAN on ring-8, with the same networks (PacGAN's, scaled down),
//     seeds, optimizer and budget. At every evaluation it reads each D on
//     2,500 fixed real samples and the 2,500 generated ones: the standard
//     D(x_r), the relativistic D_ra(x_r), the paired σ(C(x_r) − C(x_f)) and
//     the relative output C(x_r) − m_f. It reports the standard GAN's
//     D(x_r) and RaSGAN's D_ra(x_r) at the end (sgan_d_real_end,
//     rasgan_d_real_rel_end), and modes captured, high-quality fraction and
//     reverse KL for each loss (the PacGAN protocol, chapter 01).
//  2. The optimal discriminators, on the line. For the 1-D data of chapter
//     00 and generators that cover a share s of it, p_g = (1 − s)·q + s·p_d,
//     the standard D's best verdict on real data is E_{p_d}[p_d/(p_d + p_g)];
//     RaSGAN's is computed by training C, one free value per cell of a grid,
//     on the exact expected loss: how far does D_ra(x_r) settle from ½ for
//     a generator that is close, but not equal, to the data?
//
// Run it with
//
//	go run ./chapters/13-relativistic
//
// and see that neither half of the claim holds at this scale: the standard
// D's verdict on real data ends near 0.6, not 1, and RaSGAN's near 0.76,
// farther from ½ than the standard one; part 2 shows why: against the
// average fake, the optimal relativistic D's verdict tends to 1 for every
// generator that is not exactly the data, while the standard D*'s falls to
// ½ as the generator improves. Look in out/13-relativistic/: readings.svg
// and absolute_readings.svg (D's verdicts on real data over training),
// ring8_*.svg (real samples dark green under black rings at the modes,
// generated samples orange, and behind them each D's verdict: σ(C(x)) for
// the standard GAN, σ(C(x) − m_f) for the relativistic ones), modes.svg,
// optimal.svg (part 2), and metrics.json, written last.
// docs/13-relativistic.md shows a default run and five seeds.
package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"

	"ganbook/autograd"
	"ganbook/gan"
	"ganbook/gan/chapter"
	"ganbook/gan/data"
	"ganbook/gan/plot"
	"ganbook/layers"
	"ganbook/layers/optim"
	"ganbook/tensor"
)

// config holds the chapter's own settings: the shared toy budget of part 1
// (batch, width, learning rates, evaluation) and part 2's optimisation.
type config struct {
	budget     gan.ToyBudget
	idealSteps int     // Adam steps on the grid in part 2
	idealLR    float64 // their learning rate
}

var spec = chapter.Spec{
	Name:     "13-relativistic",
	Defaults: chapter.Flags{Seed: 1, Steps: 1000},
	Outputs:  []string{"readings.svg", "absolute_readings.svg", "ring8_*.svg", "modes.svg", "optimal.svg"},
	Setup: func(fs *chapter.FlagSet) func(chapter.Env) error {
		cfg := config{budget: gan.DefaultToyBudget(), idealSteps: 4000, idealLR: 0.1}
		b := &cfg.budget
		fs.Int(&b.Batch, "batch", b.Batch, "batch size (real and generated)", 2)
		fs.Int(&b.Width, "width", b.Width, "units in every hidden layer of G and D", 1)
		fs.Float(&b.LRScale, "lr-scale", b.LRScale, "multiply the published learning rate (Adam 10⁻⁴) by this", chapter.Positive)
		fs.Bool(&b.LinearDecay, "lr-decay", b.LinearDecay, "decay the learning rates linearly over the run")
		fs.Int(&b.EvalEvery, "eval-every", b.EvalEvery, "steps between evaluations", 1)
		fs.Int(&cfg.idealSteps, "ideal-steps", cfg.idealSteps, "Adam steps of part 2's relativistic discriminator on the grid", 1)
		fs.Float(&cfg.idealLR, "ideal-lr", cfg.idealLR, "their learning rate", chapter.Positive)
		fs.Memory(func(f chapter.Flags) []chapter.Need { return memory(cfg, f.Steps) })
		return func(env chapter.Env) error { return run(env, cfg) }
	},
}

func main() { os.Exit(chapter.Main(spec, os.Args[1:], os.Stdout, os.Stderr)) }

// ---- 1. The games ---------------------------------------------------------------------
//
// Both games: one discriminator update per generator update, Adam with lr
// 10⁻⁴ (scaled by the budget) and β = (0.8, 0.999) for both players,
// PacGAN's settings, the same for every loss. t.Real() and t.Fake() draw a
// fresh real batch and a generated one, (B, 2) each; the generated one
// carries no graph back into G. The generator's update runs with D frozen
// (gan.Frozen), so that G's loss, which runs through D, leaves no gradient
// in D's weights.

// The standard GAN is chapter 01's game, gan.OneToOne(gan.NonSaturating{}):
// G's loss sees only D's outputs on the generated batch. relativistic is
// that game with one change: G's loss also sees D's outputs on a real
// batch, drawn fresh for G's step as the paper's code does. D is frozen
// and the real samples are data, so those outputs are constants for G's
// update; they enter its loss as the values its fakes are compared with.
func relativistic(l gan.Loss) gan.Game {
	return func(t *gan.Toy) func(int) []gan.Quantity {
		optD := optim.NewAdam(layers.Vars(t.D), t.LR(1e-4, 1), 0.8, 0.999)
		optG := optim.NewAdam(layers.Vars(t.G), t.LR(1e-4, 1), 0.8, 0.999)
		return func(i int) []gan.Quantity {
			optD.SetLR(t.LR(1e-4, i))
			optG.SetLR(t.LR(1e-4, i))
			real, fake := t.Real(), t.Fake()
			lossD := l.D(t.D.Forward(autograd.Const(real)), t.D.Forward(autograd.Const(fake))) // e.g. RaSGAN: ½·[E softplus(−(C(x) − m_f)) + E softplus(C(x̃) − m_r)]
			optD.ZeroGrad()
			lossD.Backward()
			optD.Step()

			var lossG *autograd.Var
			gan.Frozen(t.D, func() {
				optG.ZeroGrad()
				realOut := t.D.Forward(autograd.Const(t.Real()))          // C(x_r), (B, 1)
				lossG = l.G(realOut, t.D.Forward(t.G.Forward(t.Noise()))) // e.g. RaSGAN: ½·[E softplus(C(x_r) − m_f) + E softplus(−(C(G(z)) − m_r))]
				lossG.Backward()
				optG.Step()
			})
			return []gan.Quantity{{Name: "D loss", Value: lossD.Item()}, {Name: "G loss", Value: lossG.Item()}}
		}
	}
}

// method is one of the four losses as this chapter runs it.
type method struct {
	key, label string
	game       gan.Game
	reading    string // the reading of real data that its D is trained on
}

// isRelativistic says whether the method's D judges real data against
// generated data: every one but the standard GAN, the one trained on the
// absolute reading.
func (m method) isRelativistic() bool { return m.reading != readAbsolute }

var methods = []method{
	{"sgan", "standard GAN", gan.OneToOne(gan.NonSaturating{}), readAbsolute},
	{"rsgan", "RSGAN", relativistic(gan.RelativisticStandard{}), readPaired},
	{"rasgan", "RaSGAN", relativistic(gan.RelativisticAverage{}), readAverage},
	{"ralsgan", "RaLSGAN", relativistic(gan.RelativisticAverageLeastSquares{}), readRelative},
}

// The readings of a discriminator's verdict on real data, taken at every
// evaluation on fixed real samples x_r and the evaluation's generated
// samples x_f (as many of each).
const (
	readAbsolute = "σ(C(x_r))"          // the standard D(x_r)
	readAverage  = "σ(C(x_r) − m_f)"    // RaSGAN's D_ra(x_r)
	readPaired   = "σ(C(x_r) − C(x_f))" // RSGAN's D(x_r, x_f), real i against fake i
	readRelative = "C(x_r) − m_f"       // RaLSGAN's relative output: D's target 1, G's −1
)

var readingNames = []string{readAbsolute, readAverage, readPaired, readRelative}

// readings computes the four readings from D's outputs on n real samples
// (cr) and n generated ones (cf), both (n, 1).
func readings(cr, cf *tensor.Tensor) map[string]float64 {
	r, f := cr.Data(), cf.Data()
	mf := 0.0
	for _, v := range f {
		mf += v
	}
	mf /= float64(len(f))
	var abs, avg, pair, rel float64
	for i, v := range r {
		abs += sigmoid(v)
		avg += sigmoid(v - mf)
		pair += sigmoid(v - f[i])
		rel += v - mf
	}
	n := float64(len(r))
	return map[string]float64{readAbsolute: abs / n, readAverage: avg / n, readPaired: pair / n, readRelative: rel / n}
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func run(env chapter.Env, cfg config) error {
	b := cfg.budget
	ring := data.Ring8()
	var m chapter.Metrics

	// ---- 2. Training on ring-8 ----------------------------------------------------------
	// Fixed real samples for the readings, from a stream of their own (the
	// pictures' real samples come from another).
	realEval := ring.Sample(rand.New(rand.NewPCG(env.Seed, 102)), b.EvalSamples) // (n, 2)
	results := make([]*gan.ToyResult, len(methods))
	series := make([]map[string]*gan.Series, len(methods)) // [method][reading]
	for k, meth := range methods {
		series[k] = map[string]*gan.Series{}
		for _, name := range readingNames {
			series[k][name] = &gan.Series{Name: name}
		}
		res, err := gan.ToyRun{Name: meth.label + " ring-8", Game: meth.game, Networks: b.PacGAN(), Data: ring, Budget: b,
			Seed: env.Seed, Steps: env.Steps, Progress: env.Stderr, Context: env.Context,
			AfterEval: func(step int, t *gan.Toy, samples *tensor.Tensor) error {
				var cr, cf *tensor.Tensor
				autograd.NoGrad(func() {
					cr = t.D.Forward(autograd.Const(realEval)).Value // (n, 1)
					cf = t.D.Forward(autograd.Const(samples)).Value  // (n, 1)
				})
				for name, v := range readings(cr, cf) {
					s := series[k][name]
					s.Steps, s.Values = append(s.Steps, step), append(s.Values, v)
				}
				return nil
			}}.Run()
		if err != nil {
			return err
		}
		results[k] = res
	}

	// ---- 3. Results of part 1 -----------------------------------------------------------
	end := func(k int, name string) float64 { return series[k][name].Last() }
	m.Set("sgan_d_real_end", end(0, readAbsolute))
	m.Set("rasgan_d_real_rel_end", end(2, readAverage))
	m.Set("sgan_d_real_rel_end", end(0, readAverage))
	m.Set("rsgan_d_real_pair_end", end(1, readPaired))
	m.Set("ralsgan_real_minus_fake_end", end(3, readRelative))
	m.Set("rsgan_d_real_abs_end", end(1, readAbsolute))
	m.Set("rasgan_d_real_abs_end", end(2, readAbsolute))
	for k, meth := range methods {
		c := results[k].FinalCoverage()
		m.Set(meth.key+"_modes", float64(c.Modes))
		m.Set(meth.key+"_hq", c.HighQuality)
		m.Set(meth.key+"_reverse_kl", c.ReverseKL)
	}

	// ---- 4. Part 2: the optimal discriminators on the line -------------------------------
	ideal, err := optimalReadings(env, cfg)
	if err != nil {
		return err
	}
	for _, o := range ideal {
		m.Set(fmt.Sprintf("ideal_sgan_d_real_s%03.0f", 100*o.share), o.standard)
		m.Set(fmt.Sprintf("ideal_rasgan_d_real_rel_s%03.0f", 100*o.share), o.relative.Last())
	}
	m.Set("steps", float64(env.Steps))
	m.Set("ideal_steps", float64(cfg.idealSteps))
	chapter.PrintTable(env.Stdout, "13-relativistic: what the discriminators say about real data", &m)

	// ---- 5. Pictures ------------------------------------------------------------------------
	if err := env.SavePictures(pictures(env, ring, results, series, ideal)...); err != nil {
		return err
	}
	return env.WriteJSON(&m) // last: it marks a finished run
}

// ---- Part 2 --------------------------------------------------------------------------------

// shares are the generators of part 2: p_g = (1 − s)·q + s·p_d covers a
// share s of the data exactly and puts the rest where q puts it.
var shares = []float64{0, 0.5, 0.9, 0.99, 1}

// The grid of part 2: cells of width h on [idealLo, idealHi], one free
// value of C per cell.
const (
	idealLo, idealHi = -10.0, 10.0
	idealN           = 400
)

// ideal is what part 2 finds for one generator.
type ideal struct {
	share    float64
	standard float64     // E_{p_d}[D*], D* = p_d/(p_d + p_g)
	relative *gan.Series // E_{p_d}[σ(C(x) − m_f)] as C is trained
}

// optimalReadings computes, for each share s, the standard discriminator's
// optimal verdict on real data in closed form, and RaSGAN's by training C
// with Adam, from C = 0, on RaSGAN's expected loss
//
//	½·[∫ p_d·softplus(−(C − m_f)) + ∫ p_g·softplus(C − m_r)],  m_f = ∫ p_g·C,  m_r = ∫ p_d·C,
//
// integrated by the midpoint rule. The loss is convex in C, so Adam heads
// for its infimum; the reading is recorded as it goes.
func optimalReadings(env chapter.Env, cfg config) ([]ideal, error) {
	pd := data.Mixture1D([]float64{-2, 2}, 0.5, []float64{0.6, 0.4})
	q := data.Mixture1D([]float64{0}, 2, nil)
	h := (idealHi - idealLo) / idealN
	pdCells := make([]float64, idealN) // p_d·h per cell: the weights of E_{p_d}
	qCells := make([]float64, idealN)
	for i := range idealN {
		x := idealLo + (float64(i)+0.5)*h
		pdCells[i] = pd.Density([]float64{x}) * h
		qCells[i] = q.Density([]float64{x}) * h
	}
	var out []ideal
	for _, s := range shares {
		pgCells := make([]float64, idealN) // p_g·h per cell
		standard := 0.0
		for i := range idealN {
			pgCells[i] = (1-s)*qCells[i] + s*pdCells[i]
			if pdCells[i] > 0 {
				standard += pdCells[i] * pdCells[i] / (pdCells[i] + pgCells[i])
			}
		}
		wd := autograd.Const(tensor.New(pdCells, idealN)) // (N)
		wg := autograd.Const(tensor.New(pgCells, idealN)) // (N)
		C := autograd.Param(tensor.Zeros(idealN))         // (N), C per cell
		opt := optim.NewAdam([]*autograd.Var{C}, cfg.idealLR, 0.9, 0.999)
		relative := &gan.Series{Name: fmt.Sprintf("RaSGAN, s = %g", s)}
		step := func(i int) []gan.Quantity {
			loss := expectedRaSGANLoss(C, wd, wg)
			opt.ZeroGrad()
			loss.Backward()
			opt.Step()
			return []gan.Quantity{{Name: "loss", Value: loss.Item()}}
		}
		eval := func(i int) []gan.Quantity {
			r := expectedReading(C.Value.Data(), pdCells, pgCells)
			relative.Steps, relative.Values = append(relative.Steps, i), append(relative.Values, r)
			return []gan.Quantity{{Name: "E σ(C(x_r) − m_f)", Value: r}}
		}
		loop := gan.Loop{Name: fmt.Sprintf("RaSGAN's D on the line, s = %g", s), Steps: cfg.idealSteps,
			EvalEvery: max(1, cfg.idealSteps/100), Progress: env.Stderr, Context: env.Context}
		if _, err := loop.Run(step, eval); err != nil {
			return nil, err
		}
		out = append(out, ideal{share: s, standard: standard, relative: relative})
	}
	return out, nil
}

// expectedRaSGANLoss is RaSGAN's discriminator loss (gan.RelativisticAverage)
// in expectation rather than on batches: with C, p_d·h and p_g·h given per
// cell, all (N),
//
//	½·[Σ p_d·h·softplus(−(C − m_f)) + Σ p_g·h·softplus(C − m_r)],  m_f = Σ p_g·h·C,  m_r = Σ p_d·h·C.
//
// For weights 1/n on n cells and 1/m on m others it is the batch loss of
// those n real and m generated outputs.
func expectedRaSGANLoss(C, wd, wg *autograd.Var) *autograd.Var {
	mf := autograd.Sum(autograd.Mul(wg, C)) // m_f = ∫ p_g·C
	mr := autograd.Sum(autograd.Mul(wd, C)) // m_r = ∫ p_d·C
	return autograd.Scale(autograd.Add(
		autograd.Sum(autograd.Mul(wd, autograd.Softplus(autograd.Neg(autograd.Sub(C, mf))))),
		autograd.Sum(autograd.Mul(wg, autograd.Softplus(autograd.Sub(C, mr))))), 0.5)
}

// expectedReading returns E_{p_d}[σ(C(x) − m_f)], m_f = E_{p_g}[C], for
// C, p_d and p_g given per cell (the densities times the cell width).
func expectedReading(c, pd, pg []float64) float64 {
	mf := 0.0
	for i, v := range c {
		mf += pg[i] * v
	}
	r := 0.0
	for i, v := range c {
		r += pd[i] * sigmoid(v-mf)
	}
	return r
}

// ---- Pictures -------------------------------------------------------------------------------

func pictures(env chapter.Env, ring *data.Mixture, results []*gan.ToyResult, series []map[string]*gan.Series, ideal []ideal) []chapter.Picture {
	real := ring.Sample(rand.New(rand.NewPCG(env.Seed, 101)), 500) // the real samples drawn
	var out []chapter.Picture
	var own, absolute, modes []plot.Line
	for k, meth := range methods {
		res := results[k]
		scatter := gan.ToyScatter(fmt.Sprintf("%s on ring-8 after %d steps", meth.label, env.Steps), res.D, res.Samples, ring, real, true)
		if meth.isRelativistic() {
			// A relativistic D has no absolute verdict: draw σ(C(x) − m_f),
			// the probability that x is more realistic than the average
			// generated sample (for RaLSGAN, C(x) − m_f itself).
			var mf float64
			autograd.NoGrad(func() { mf = tensor.Mean(res.D.Forward(autograd.Const(res.Samples)).Value).Item() })
			d, lo, hi, label := func(x *autograd.Var) *autograd.Var {
				return autograd.Sigmoid(autograd.AddScalar(res.D.Forward(x), -mf))
			}, 0.0, 1.0, "σ(C(x) − m_f), more real than the average fake"
			if meth.key == "ralsgan" {
				d, lo, hi, label = func(x *autograd.Var) *autograd.Var { return autograd.AddScalar(res.D.Forward(x), -mf) },
					0, 0, "C(x) − m_f"
			}
			scatter.Field = gan.Field(d, scatter.Window, 120, 120, lo, hi)
			scatter.Field.Label = label
		}
		out = append(out, chapter.Picture{Name: "ring8_" + meth.key + ".svg", Save: scatter.Save})
		line := series[k][meth.reading].Line()
		line.Name = meth.label + ": " + meth.reading
		if meth.key != "ralsgan" { // a probability; RaLSGAN's relative output is not
			own = append(own, line)
		}
		abs := series[k][readAbsolute].Line()
		abs.Name = meth.label
		absolute = append(absolute, abs)
		ml := res.History.Get("modes").Line()
		ml.Name = meth.label
		modes = append(modes, ml)
	}
	sgRel := series[0][readAverage].Line()
	sgRel.Name = "standard GAN read as RaSGAN: " + readAverage
	own = append(own, sgRel)
	// The standard D*'s verdicts are the dashed lines: labelled where they
	// stand apart, and gathered on the line at ½ where they do not.
	var idealLines []plot.Line
	refs := []plot.RefLine{{Y: 0.5}}
	var nearHalf []string
	for i, o := range ideal {
		l := o.relative.Line()
		l.Color = plot.SeriesColor(i)
		idealLines = append(idealLines, l)
		if o.standard-0.5 > 0.02 {
			refs = append(refs, plot.RefLine{Y: o.standard, Label: fmt.Sprintf("standard D*, s = %g: %.3f", o.share, o.standard)})
		} else {
			nearHalf = append(nearHalf, fmt.Sprintf("%.4f", o.standard))
		}
	}
	refs[0].Label = fmt.Sprintf("½; standard D* for the other s: %s", strings.Join(nearHalf, ", "))
	return append(out,
		chapter.Picture{Name: "readings.svg", Save: plot.LineChart{
			Title: "Each D's verdict on real data, on the reading it is trained on", XLabel: "generator step",
			YLabel: "mean over 2,500 real samples", YRange: [2]float64{0.4, 1.02}, Series: own,
			Refs: []plot.RefLine{{Y: 0.5, Label: "½"}, {Y: 1, Label: "1"}},
		}.Save},
		chapter.Picture{Name: "absolute_readings.svg", Save: plot.LineChart{
			Title: "σ(C(x_r)): meaningful for the standard D only", XLabel: "generator step",
			YLabel: "mean σ(C(x_r))", YRange: [2]float64{0, 1}, Series: absolute,
			Refs: []plot.RefLine{{Y: 0.5, Label: "½"}},
		}.Save},
		chapter.Picture{Name: "modes.svg", Save: plot.LineChart{
			Title: "Modes of ring-8 captured", XLabel: "generator step", YLabel: "modes",
			YRange: [2]float64{0, 9}, Series: modes, Refs: []plot.RefLine{{Y: 8, Label: "all 8"}},
		}.Save},
		chapter.Picture{Name: "optimal.svg", Save: plot.LineChart{
			Title:  "On the line: RaSGAN's verdict on real data as its D is optimised",
			XLabel: "Adam step on RaSGAN's expected loss", YLabel: "E σ(C(x_r) − m_f)", YRange: [2]float64{0.45, 1.02},
			Series: idealLines, Refs: refs,
		}.Save})
}

// ---- Plumbing -----------------------------------------------------------------------------
//
// What the chapter framework asks of the program besides the story: the
// memory a run needs, checked before anything runs.

// memory estimates what a run takes: the toy budget's estimate for the
// four runs of part 1, their readings (four runs × four readings at every
// evaluation), and part 2's histories.
func memory(cfg config, steps int) []chapter.Need {
	b := cfg.budget
	return append(b.Memory(steps, 4),
		chapter.Need{What: fmt.Sprintf("the readings of 4 runs (-steps %d / -eval-every %d)", steps, b.EvalEvery),
			Bytes: 4 * 6 * 16 * float64(steps/b.EvalEvery+1)},
		chapter.Need{What: fmt.Sprintf("part 2's histories (-ideal-steps %d)", cfg.idealSteps),
			Bytes: float64(len(shares)) * float64(cfg.idealSteps) * 3 * 16})
}
