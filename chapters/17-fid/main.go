// Chapter 17 mirrors the article's section "Métricas 2: La distancia de
// Fréchet (FID)".
//
// The Inception Score never looks at real images (chapter 16). The Fréchet
// Inception Distance (Heusel et al., arXiv 1706.08500) does: it passes real
// and generated images through a feature network, fits a Gaussian to each
// set of features, and measures the distance between the two Gaussians,
//
//	FID = ‖μ_r − μ_g‖² + Tr Σ_r + Tr Σ_g − 2·Tr (Σ_r Σ_g)^½,
//
// the squared 2-Wasserstein (Fréchet) distance between N(μ_r, Σ_r) and
// N(μ_g, Σ_g). Lower is better; 0 means the same mean and covariance. The
// covariances are unbiased (divided by N − 1), and Tr (Σ_r Σ_g)^½ is
// computed exactly from our symmetric eigensolver as Tr (Σ_r^½ Σ_g Σ_r^½)^½
// (metrics.FrechetDistance; its tests check it against closed forms: 0 for
// identical statistics, Σ (√aᵢ − √bᵢ)² for commuting covariances,
// (μ₁ − μ₂)² + (σ₁ − σ₂)² in one dimension).
//
// The feature network is this book's Inception, gan/digitnet (64 features,
// the penultimate layer of a digit classifier), and the reference
// statistics are those of 10,000 training digits. The program measures:
//
//  1. Real against real: 2,000 held-out digits score near 0
//     (fid_train_vs_test), and as Heusel et al. show in their Figure 3,
//     FID rises steadily as the same digits are disturbed: mixed with
//     Gaussian noise, (1 − α)·x + α·noise (fid_noise_<α>), or blurred with
//     a Gaussian of σ pixels (fid_blur_<σ>).
//  2. The DCGAN of chapter 03's recipe at five points of its training
//     (fid_dcgan_at_<step>), 2,000 images each.
//  3. Perfect images, wrong distribution: ten real digits, one per class,
//     each repeated 200 times (fid_memorized10), which fooled IS (chapter
//     16 scores them above real digits), and 2,000 different 3s
//     (fid_one_class), which IS did catch (near 1). FID puts both far from
//     the real distribution.
//  4. The bias of a finite sample (Chong and Forsyth, arXiv 1911.07023):
//     FID_N of N generated images is biased upwards by about b/N, so the
//     trained DCGAN is measured at N = 500 … 5,000 (five draws each),
//     FID_N is fitted against 1/N, and the line extrapolated to N = ∞
//     (fid_infinity, fid_slope); the same for held-out real digits, whose
//     FID_∞ should be near 0.
//
// Run it with
//
//	go run ./chapters/17-fid
//
// and look in out/17-fid/: fid_noise.svg, fid_blur.svg, disturbed.png (the
// same ten digits: original, then the four noise levels, then the four
// blurs), fid_over_training.svg, samples_over_training.png, fid_bias.svg,
// samples.png, and metrics.json, written last. docs/17-fid.md shows a
// default run.
package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"

	"ganbook/gan"
	"ganbook/gan/chapter"
	"ganbook/gan/data"
	"ganbook/gan/digitnet"
	"ganbook/gan/metrics"
	"ganbook/gan/plot"
	"ganbook/tensor"
)

// config holds the chapter's settings: the DCGAN's budget, the digits,
// and the sample sizes.
type config struct {
	budget    gan.ImageBudget
	digits    gan.DigitData
	reference int // training digits whose features give μ_r, Σ_r
	samples   int // N of every compared set
}

// The disturbances of part 1.
var (
	noiseLevels = []float64{0.1, 0.25, 0.5, 0.75} // α
	blurLevels  = []float64{0.5, 1, 1.5, 2}       // σ in pixels
)

// biasSizes are the sample sizes of part 4 for compared sets of n images:
// n/4, n/2, n, 3n/2, 2n and 5n/2 (500 to 5,000 for the default 2,000).
func biasSizes(n int) []int { return []int{n / 4, n / 2, n, 3 * n / 2, 2 * n, 5 * n / 2} }

// biasDraws is how many subsets of each size part 4 draws: one FID_N of a
// few hundred images varies by more than its bias, and the fit needs the
// mean.
const biasDraws = 5

const (
	oneClass = 3  // the digit of the one-class set
	gridCols = 12 // images per row of samples_over_training.png (fewer if -eval-samples is smaller)
)

var spec = chapter.Spec{
	Name:     "17-fid",
	Defaults: chapter.Flags{Seed: 1, Steps: gan.ImageDefaultSteps},
	Outputs: []string{"fid_noise.svg", "fid_blur.svg", "disturbed.png", "fid_over_training.svg",
		"samples_over_training.png", "fid_bias.svg", "samples.png"},
	Setup: func(fs *chapter.FlagSet) func(chapter.Env) error {
		cfg := config{budget: gan.DefaultImageBudget(), reference: 10000, samples: 2000}
		cfg.budget.EvalEvery, cfg.budget.EvalSamples = 250, 2000
		cfg.budget.RegisterFlags(fs)
		cfg.digits.RegisterFlag(fs)
		fs.Int(&cfg.reference, "reference", cfg.reference, "training digits that give the real statistics", 100)
		fs.Int(&cfg.samples, "fid-samples", cfg.samples, "images in every compared set", 100)
		fs.Check(func() error { return check(cfg) })
		fs.Memory(func(f chapter.Flags) []chapter.Need {
			largest := max(cfg.reference, 5*cfg.samples/2, cfg.budget.EvalSamples)
			return append(cfg.budget.Memory(f.Steps), cfg.digits.Memory(gan.DrawnTrainDigits, testDigits(cfg), fmt.Sprintf("-fid-samples %d", cfg.samples)),
				chapter.Need{What: fmt.Sprintf("the compared sets (-fid-samples %d, -reference %d)", cfg.samples, cfg.reference),
					Bytes: float64(14*cfg.samples+cfg.reference+2*largest) * (gan.DigitSize*gan.DigitSize + digitnet.Features) * 8})
		})
		return func(env chapter.Env) error { return run(env, cfg) }
	},
}

func main() { os.Exit(chapter.Main(spec, os.Args[1:], os.Stdout, os.Stderr)) }

// testDigits is how many test digits a run uses: those of the real bias
// curve, the first n of which are the compared real sets.
func testDigits(cfg config) int { return slices.Max(biasSizes(cfg.samples)) }

// check refuses flags that do not fit the digits there are.
func check(cfg config) error {
	train, test := gan.DrawnTrainDigits, testDigits(cfg)
	if set := cfg.digits.MNIST(); set != nil {
		train, test = set.Train.Dim(0), set.Test.Dim(0)
	}
	if cfg.reference > train {
		return fmt.Errorf("-reference %d: there are %d training digits", cfg.reference, train)
	}
	if need := testDigits(cfg); need > test {
		return fmt.Errorf("-fid-samples %d: the bias curve compares real sets of up to 5/2·%d = %d test digits, there are %d",
			cfg.samples, cfg.samples, need, test)
	}
	if set := cfg.digits.MNIST(); set != nil && cfg.samples > set.Count(oneClass) {
		return fmt.Errorf("-fid-samples %d: MNIST has %d %ds for the one-class set", cfg.samples, set.Count(oneClass), oneClass)
	}
	return nil
}

func run(env chapter.Env, cfg config) error {
	n := cfg.samples
	net := digitnet.Load()
	digits := cfg.digits.Set(env.Seed, gan.DrawnTrainDigits, testDigits(cfg))

	// ---- 1. The real statistics -----------------------------------------------------------
	// μ_r (64) and Σ_r (64, 64) of the reference training digits' features.
	// fid compares a set of images with them.
	muR, covR := metrics.GaussianStatistics(net.Features(tensor.Slice(digits.Train, 0, 0, cfg.reference)))
	fid := func(what string, images *tensor.Tensor) (float64, error) {
		return fidAgainst(muR, covR, net.Features(images), what)
	}
	var m chapter.Metrics
	value := func(key string) float64 { v, _ := m.Get(key); return v }
	set := func(key string, images *tensor.Tensor) error {
		v, err := fid(key, images)
		m.Set(key, v)
		return err
	}

	// ---- 2. Real digits, clean and disturbed -------------------------------------------------
	test := tensor.Slice(digits.Test, 0, 0, n) // (n,1,16,16), never trained on
	if err := set("fid_train_vs_test", test); err != nil {
		return err
	}
	noiseRNG := rand.New(rand.NewPCG(env.Seed, 20))
	var noisy, blurred []float64
	shown := []*tensor.Tensor{tensor.Slice(test, 0, 0, 10)}
	for _, a := range noiseLevels {
		x := data.MixNoise(noiseRNG, test, a)
		if err := set(fmt.Sprintf("fid_noise_%g", a), x); err != nil {
			return err
		}
		noisy = append(noisy, value(fmt.Sprintf("fid_noise_%g", a)))
		shown = append(shown, tensor.Slice(x, 0, 0, 10))
	}
	for _, s := range blurLevels {
		x := data.GaussianBlur(test, s)
		if err := set(fmt.Sprintf("fid_blur_%g", s), x); err != nil {
			return err
		}
		blurred = append(blurred, value(fmt.Sprintf("fid_blur_%g", s)))
		shown = append(shown, tensor.Slice(x, 0, 0, 10))
	}

	// ---- 3. Perfect images, wrong distribution ---------------------------------------------
	memorized := digits.Memorized(n) // image i is the first test digit of class i mod 10
	if err := set("fid_memorized10", memorized); err != nil {
		return err
	}
	if err := set("fid_one_class", digits.OneClass(env.Seed, oneClass, n)); err != nil { // n of them: check made sure
		return err
	}
	// IS of held-out and memorised digits, for the contrast with chapter 16.
	isReal, _ := metrics.InceptionScore(net.Probs(test), metrics.DefaultISSplits)
	isMemorized, _ := metrics.InceptionScore(net.Probs(memorized), metrics.DefaultISSplits)
	m.Set("is_real", isReal)
	m.Set("is_memorized10", isMemorized)

	// ---- 4. The DCGAN during training ---------------------------------------------------------
	var rows []*tensor.Tensor
	var evalErr error
	cols := min(gridCols, cfg.budget.EvalSamples) // -eval-samples may be as low as 10
	eval := func(step int, _ *gan.Images, samples *tensor.Tensor) []gan.Quantity {
		rows = append(rows, tensor.Slice(samples, 0, 0, cols))
		v, err := fid(fmt.Sprintf("FID of the DCGAN at step %d", step), samples)
		if err != nil && evalErr == nil {
			evalErr = err
		}
		return []gan.Quantity{{Name: "FID", Value: v}}
	}
	res, err := gan.ImageRun{Name: "DCGAN " + digits.Source, Game: gan.DCGANGame(), Budget: cfg.budget, Data: digits.Train,
		Seed: env.Seed, Steps: env.Steps, Progress: env.Stderr, Context: env.Context, Eval: eval}.Run()
	if err != nil {
		return err
	}
	if evalErr != nil {
		return evalErr
	}
	curve := res.History.Get("FID")
	for k, step := range curve.Steps {
		m.Set(fmt.Sprintf("fid_dcgan_at_%d", step), curve.Values[k])
	}

	// ---- 5. The bias of finite samples ---------------------------------------------------------
	// FID_N of N images drawn without replacement from 5n/2 generated (and
	// 5n/2 held-out real) digits, biasDraws fresh draws for every N; FID_N
	// against 1/N fitted by a line through all of them, extrapolated to
	// 1/N = 0. (At N = 5n/2 every draw is the whole set.)
	sizes := biasSizes(n)
	most := slices.Max(sizes)
	var ns []int // every size biasDraws times
	for _, size := range sizes {
		for range biasDraws {
			ns = append(ns, size)
		}
	}
	generated := gan.Generate(res.G, tensor.RandN(rand.New(rand.NewPCG(env.Seed, 14)), most, cfg.budget.Noise), cfg.budget.Batch)
	genF := net.Features(generated)
	fidsG, fidInfG, err := metrics.FIDCurve(muR, covR, genF, ns, rand.New(rand.NewPCG(env.Seed, 15)))
	if err != nil {
		return fmt.Errorf("the DCGAN's bias curve (fid_infinity): %w", err)
	}
	_, slopeG := metrics.FIDInfinity(ns, fidsG)
	fidsR, fidInfR, err := metrics.FIDCurve(muR, covR, net.Features(tensor.Slice(digits.Test, 0, 0, most)), ns,
		rand.New(rand.NewPCG(env.Seed, 16)))
	if err != nil {
		return fmt.Errorf("the held-out digits' bias curve (fid_real_infinity): %w", err)
	}
	_, slopeR := metrics.FIDInfinity(ns, fidsR)
	meanG, meanR := meansPerSize(fidsG, biasDraws), meansPerSize(fidsR, biasDraws)
	m.Set("fid_infinity", fidInfG)
	m.Set("fid_slope", slopeG)
	m.Set(fmt.Sprintf("fid_n%d", sizes[0]), meanG[0])
	m.Set(fmt.Sprintf("fid_n%d", most), meanG[len(meanG)-1])
	m.Set("fid_real_infinity", fidInfR)
	m.Set("fid_real_slope", slopeR)

	// ---- 6. The exact square root ------------------------------------------------------------
	// The largest entry of R·R − S, relative to S's largest, for
	// S = Σ_r^½·Σ_g·Σ_r^½ of the final DCGAN and R = SqrtPSD(S): rounding
	// alone.
	_, covG := metrics.GaussianStatistics(genF)
	m.Set("sqrt_residual", sqrtResidual(covR, covG))
	m.Set("fid_samples", float64(n))
	m.Set("reference", float64(cfg.reference))
	m.Set("steps", float64(env.Steps))
	chapter.PrintTable(env.Stdout, "17-fid: Fréchet distances in the book's digit-classifier features ("+digits.Source+")", &m)

	// ---- 7. Pictures ----------------------------------------------------------------------------
	base := value("fid_train_vs_test")
	over := tensor.Concat(0, rows...)
	inv := func(ns []int) []float64 {
		xs := make([]float64, len(ns))
		for i, v := range ns {
			xs[i] = 1 / float64(v)
		}
		return xs
	}
	fit := func(inf, slope float64) []plot.Point {
		return []plot.Point{{X: 0, Y: inf}, {X: 1 / float64(sizes[0]), Y: inf + slope/float64(sizes[0])}}
	}
	err = env.SavePictures(
		chapter.Picture{Name: "fid_noise.svg", Save: plot.LineChart{
			Title: "FID of real digits mixed with noise: (1 − α)·x + α·noise", XLabel: "α", YLabel: "FID", LogY: true,
			Series: []plot.Line{{Name: "noisy held-out digits", Points: plot.XY(append([]float64{0}, noiseLevels...), append([]float64{base}, noisy...)), Markers: true}},
		}.Save},
		chapter.Picture{Name: "fid_blur.svg", Save: plot.LineChart{
			Title: "FID of blurred real digits", XLabel: "σ of the Gaussian blur (pixels)", YLabel: "FID", LogY: true,
			Series: []plot.Line{{Name: "blurred held-out digits", Points: plot.XY(append([]float64{0}, blurLevels...), append([]float64{base}, blurred...)), Markers: true}},
		}.Save},
		chapter.Picture{Name: "disturbed.png", Save: gan.DigitGrid(tensor.Concat(0, shown...), 10*len(shown), 10).Save},
		chapter.Picture{Name: "fid_over_training.svg", Save: plot.LineChart{
			Title: fmt.Sprintf("FID of %d DCGAN images during training", cfg.budget.EvalSamples), XLabel: "step", YLabel: "FID", LogY: true,
			Series: []plot.Line{{Name: "DCGAN", Points: curve.Line().Points, Markers: true}},
			Refs: []plot.RefLine{{Y: base, Label: "held-out real digits"}, {Y: value("fid_memorized10"), Label: "ten memorised digits"},
				{Y: value("fid_one_class"), Label: "one class"}},
		}.Save},
		chapter.Picture{Name: "samples_over_training.png", Save: gan.DigitGrid(over, over.Dim(0), cols).Save},
		chapter.Picture{Name: "fid_bias.svg", Save: plot.LineChart{
			Title: "FID_N is biased by about b/N: the fitted line's value at 1/N = 0 is FID∞", XLabel: "1/N", YLabel: "FID",
			Series: []plot.Line{
				{Name: fmt.Sprintf("DCGAN (mean of %d draws)", biasDraws), Points: plot.XY(inv(sizes), meanG), Markers: true, Color: plot.SeriesColor(0)},
				{Name: fmt.Sprintf("fit: FID∞ %.2f", fidInfG), Points: fit(fidInfG, slopeG), Color: plot.SeriesColor(0)},
				{Name: "held-out real digits", Points: plot.XY(inv(sizes), meanR), Markers: true, Color: plot.SeriesColor(1)},
				{Name: fmt.Sprintf("fit: FID∞ %.2f", fidInfR), Points: fit(fidInfR, slopeR), Color: plot.SeriesColor(1)},
			},
		}.Save},
		chapter.Picture{Name: "samples.png", Save: gan.DigitGrid(generated, 100, 10).Save},
	)
	if err != nil {
		return err
	}
	return env.WriteJSON(&m) // last: it marks a finished run
}

// fidAgainst returns the FID between the real statistics μ_r (D), Σ_r
// (D, D) and the Gaussian fitted to features (N, D). Its error, a result
// that is not finite, says what was compared: what, a metrics key or "FID
// of the DCGAN at step 250".
func fidAgainst(muR, covR, features *tensor.Tensor, what string) (float64, error) {
	mu, cov := metrics.GaussianStatistics(features)
	v, err := metrics.FrechetDistance(muR, covR, mu, cov)
	if err != nil {
		return v, fmt.Errorf("%s: %w", what, err)
	}
	return v, nil
}

// meansPerSize returns the mean of every run of k consecutive values.
func meansPerSize(values []float64, k int) []float64 {
	out := make([]float64, len(values)/k)
	for i := range out {
		for _, v := range values[i*k : (i+1)*k] {
			out[i] += v / float64(k)
		}
	}
	return out
}

// sqrtResidual returns max|R·R − S| / max|S| for S = A·Σ₂·A, A = Σ₁^½ and
// R = S^½, both square roots from tensor.SqrtPSD.
func sqrtResidual(cov1, cov2 *tensor.Tensor) float64 {
	a := tensor.SqrtPSD(cov1)
	s := tensor.MatMul(tensor.MatMul(a, cov2), a)
	r := tensor.SqrtPSD(s)
	diff := tensor.Sub(tensor.MatMul(r, r), s)
	return maxAbs(diff.Data()) / maxAbs(s.Data())
}

func maxAbs(xs []float64) float64 {
	m := 0.0
	for _, x := range xs {
		m = math.Max(m, math.Abs(x))
	}
	return m
}
