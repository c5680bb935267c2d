package data

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/tensor"
)

var (
	_ Sampler = (*Mixture)(nil)
	_ Sampler = SamplerFunc(SwissRoll)
)

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0)) }

func TestPublishedCenters(t *testing.T) {
	// Ring sets: centre k at angle 2πk/8 on a circle of the published radius.
	rings := []struct {
		name   string
		m      *Mixture
		radius float64
		std    float64
	}{
		{"ring-8", Ring8(), 1, 0.01},
		{"8-gaussians", Gaussians8(), 2 / 1.414, 0.02 / 1.414},
	}
	for _, tc := range rings {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.name, tc.m.Name)
			assert.Equal(t, 2, tc.m.Dim())
			assert.Nil(t, tc.m.Weights)
			assert.Equal(t, tc.std, tc.m.Std)
			require.Len(t, tc.m.Centers, 8)
			for k, c := range tc.m.Centers {
				angle := 2 * math.Pi * float64(k) / 8
				assert.InDelta(t, tc.radius, math.Hypot(c[0], c[1]), 1e-15, "centre %d", k)
				assert.InDeltaSlice(t, []float64{tc.radius * math.Cos(angle), tc.radius * math.Sin(angle)}, c, 1e-15, "centre %d", k)
			}
		})
	}

	// Grid sets: 25 distinct centres, each coordinate step·{−2, −1, 0, 1, 2}.
	grids := []struct {
		name string
		m    *Mixture
		step float64
		std  float64
	}{
		{"grid-25", Grid25(), 2, 0.05},
		{"25-gaussians", Gaussians25(), 2 / 2.828, 0.05 / 2.828},
	}
	for _, tc := range grids {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.name, tc.m.Name)
			assert.Equal(t, 2, tc.m.Dim())
			assert.Equal(t, tc.std, tc.m.Std)
			require.Len(t, tc.m.Centers, 25)
			seen := map[[2]int]bool{}
			for k, c := range tc.m.Centers {
				a, b := math.Round(c[0]/tc.step), math.Round(c[1]/tc.step)
				assert.InDelta(t, a*tc.step, c[0], 1e-15, "centre %d", k)
				assert.InDelta(t, b*tc.step, c[1], 1e-15, "centre %d", k)
				assert.LessOrEqual(t, math.Abs(a), 2.0, "centre %d", k)
				assert.LessOrEqual(t, math.Abs(b), 2.0, "centre %d", k)
				seen[[2]int{int(a), int(b)}] = true
			}
			assert.Len(t, seen, 25, "centres must be distinct")
		})
	}
}

// TestSampleStatistics draws many samples and checks, per component, the
// frequency, the mean and the standard deviation of every coordinate. Each
// tolerance is 5 standard errors of the estimate, so a correct sampler fails
// with probability well under 1e-5 per check (the seed is fixed anyway):
//
//	frequency: s.e. = √(w(1−w)/n)
//	mean:      s.e. = σ/√nₖ
//	std:       s.e. ≈ σ/√(2(nₖ−1))   (for normal data)
func TestSampleStatistics(t *testing.T) {
	cases := []struct {
		m       *Mixture
		weights []float64 // the normalised weights
		n       int
	}{
		{Ring8(), uniform(8), 80000},
		{Grid25(), uniform(25), 100000},
		{Gaussians8(), uniform(8), 80000},
		{Gaussians25(), uniform(25), 100000},
		{Mixture1D([]float64{-3, 0, 4}, 0.5, []float64{1, 2, 1}), []float64{0.25, 0.5, 0.25}, 80000},
		{&Mixture{Name: "zero-weight", Centers: [][]float64{{0}, {5}, {9}}, Std: 1, Weights: []float64{3, 0, 1}}, []float64{0.75, 0, 0.25}, 40000},
	}
	for _, tc := range cases {
		t.Run(tc.m.Name, func(t *testing.T) {
			x, labels := tc.m.SampleLabeled(newRand(7), tc.n)
			d := tc.m.Dim()
			require.Equal(t, []int{tc.n, d}, x.Shape())
			require.Len(t, labels, tc.n)
			rows := groupRows(x.Data(), labels, d, len(tc.m.Centers))
			sigma := tc.m.Std
			for k, group := range rows {
				w := tc.weights[k]
				freq := float64(len(group)) / float64(tc.n)
				assert.InDelta(t, w, freq, 5*math.Sqrt(w*(1-w)/float64(tc.n))+1e-300, "frequency of component %d", k)
				if w == 0 {
					continue
				}
				nk := float64(len(group))
				for j := range d {
					mean, std := meanStd(group, j)
					assert.InDelta(t, tc.m.Centers[k][j], mean, 5*sigma/math.Sqrt(nk), "mean of component %d, coordinate %d", k, j)
					assert.InDelta(t, sigma, std, 5*sigma/math.Sqrt(2*(nk-1)), "std of component %d, coordinate %d", k, j)
				}
			}
		})
	}
}

func uniform(k int) []float64 {
	w := make([]float64, k)
	for i := range w {
		w[i] = 1 / float64(k)
	}
	return w
}

// groupRows splits the rows of an (n, d) array by label.
func groupRows(x []float64, labels []int, d, k int) [][][]float64 {
	groups := make([][][]float64, k)
	for i, l := range labels {
		groups[l] = append(groups[l], x[i*d:(i+1)*d])
	}
	return groups
}

// meanStd returns the mean and the (N−1) standard deviation of column j.
func meanStd(rows [][]float64, j int) (mean, std float64) {
	for _, r := range rows {
		mean += r[j]
	}
	mean /= float64(len(rows))
	for _, r := range rows {
		std += (r[j] - mean) * (r[j] - mean)
	}
	return mean, math.Sqrt(std / float64(len(rows)-1))
}

func TestSampleIsDeterministic(t *testing.T) {
	samplers := []struct {
		name string
		s    Sampler
	}{
		{"ring-8", Ring8()},
		{"weighted-1d", Mixture1D([]float64{-1, 1}, 0.2, []float64{1, 3})},
		{"swiss-roll", SamplerFunc(SwissRoll)},
	}
	for _, tc := range samplers {
		t.Run(tc.name, func(t *testing.T) {
			a := tc.s.Sample(newRand(3), 500)
			b := tc.s.Sample(newRand(3), 500)
			c := tc.s.Sample(newRand(4), 500)
			assert.Equal(t, a.Shape(), b.Shape())
			assert.Equal(t, a.Data(), b.Data(), "same seed, same bits")
			assert.NotEqual(t, a.Data(), c.Data(), "another seed, other numbers")
		})
	}
	t.Run("SampleLabeled draws what Sample draws", func(t *testing.T) {
		m := Grid25()
		x, _ := m.SampleLabeled(newRand(5), 300)
		assert.Equal(t, m.Sample(newRand(5), 300).Data(), x.Data())
	})
}

func TestSampleZeroStdLandsOnCentres(t *testing.T) {
	m := &Mixture{Name: "points", Centers: [][]float64{{1, 2}, {-3, 4}}, Std: 0}
	x, labels := m.SampleLabeled(newRand(1), 50)
	for i, k := range labels {
		assert.Equal(t, m.Centers[k], []float64{x.At(i, 0), x.At(i, 1)}, "row %d", i)
	}
	assert.Equal(t, []int{0, 2}, m.Sample(newRand(1), 0).Shape())
}

func TestDensityKnownValues(t *testing.T) {
	invSqrt2Pi := 1 / math.Sqrt(2*math.Pi)
	cases := []struct {
		name string
		m    *Mixture
		x    []float64
		want float64
	}{
		// The standard normal at 0 and 1: e^{−x²/2}/√(2π).
		{"N(0,1) at 0", Mixture1D([]float64{0}, 1, nil), []float64{0}, invSqrt2Pi},
		{"N(0,1) at 1", Mixture1D([]float64{0}, 1, nil), []float64{1}, math.Exp(-0.5) * invSqrt2Pi},
		// ¼·N(1; 1, 2²) + ¾·N(1; 3, 2²) = (¼ + ¾·e^{−1/2})/(2√(2π)); weights 1 and 3 normalise to ¼, ¾.
		{"weighted", Mixture1D([]float64{1, 3}, 2, []float64{1, 3}), []float64{1}, (0.25 + 0.75*math.Exp(-0.5)) * invSqrt2Pi / 2},
		// At a ring centre the other modes are ≥ 0.765 = 76σ away, so only
		// its own term counts: (1/8)/(2πσ²) with σ = 0.01.
		{"ring-8 at a centre", Ring8(), []float64{1, 0}, 1.0 / 8 / (2 * math.Pi * 1e-4)},
		// 2-D isotropic normal at distance √2σ from its mean: e^{−1}/(2πσ²).
		{"2-D off centre", &Mixture{Centers: [][]float64{{0, 0}}, Std: 0.5}, []float64{0.5, 0.5}, math.Exp(-1) / (2 * math.Pi * 0.25)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.InDelta(t, tc.want, tc.m.Density(tc.x), 1e-12*tc.want)
		})
	}
}

// TestDensityIntegratesToOne integrates 1-D densities by the midpoint rule
// over an interval that holds all but ~e^{−50} of the mass.
func TestDensityIntegratesToOne(t *testing.T) {
	mixtures := []*Mixture{
		Mixture1D([]float64{0}, 1, nil),
		Mixture1D([]float64{-2, 1.5, 3}, 0.3, []float64{0.2, 1, 0.5}),
		Mixture1D([]float64{-1, 1}, 0.05, nil),
	}
	for i, m := range mixtures {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			lo, hi := -2-10*m.Std, 3+10*m.Std
			n := 20000
			h := (hi - lo) / float64(n)
			total := 0.0
			for k := range n {
				total += m.Density([]float64{lo + (float64(k)+0.5)*h}) * h
			}
			assert.InDelta(t, 1, total, 1e-9)
		})
	}
}

// TestSwissRoll checks the moments of the roll against their exact values.
// With t uniform on [1.5π, 4.5π] (length 3π):
//
//	E[t cos t] = [t sin t + cos t] / 3π = (4.5π + 1.5π)/3π = 2
//	E[t sin t] = [sin t − t cos t] / 3π = (1 − (−1))/3π = 2/(3π)
//
// and the noise has mean 0, so E[x] = 2/7.5 and E[z] = 2/(3π·7.5). The
// tolerance is 5 standard errors, estimated from the sample.
func TestSwissRoll(t *testing.T) {
	const n = 100000
	x := SwissRoll(newRand(11), n)
	require.Equal(t, []int{n, 2}, x.Shape())
	rows := make([][]float64, n)
	for i := range rows {
		rows[i] = x.Data()[2*i : 2*i+2]
	}
	want := []float64{2 / 7.5, 2 / (3 * math.Pi * 7.5)}
	for j, w := range want {
		mean, std := meanStd(rows, j)
		assert.InDelta(t, w, mean, 5*std/math.Sqrt(n), "mean of column %d", j)
	}
	// Without noise 7.5·‖p‖ = t ∈ [1.5π, 4.5π]; the noise moves a point by
	// 0.25·‖ε‖, which is below 0.25·6 = 1.5 for every one of these samples.
	for i, r := range rows {
		radius := 7.5 * math.Hypot(r[0], r[1])
		if radius < 1.5*math.Pi-1.5 || radius > 4.5*math.Pi+1.5 {
			t.Fatalf("row %d at radius %g lies off the roll", i, radius)
		}
	}
}

func TestSamplerFunc(t *testing.T) {
	a := SamplerFunc(SwissRoll).Sample(newRand(2), 10)
	b := SwissRoll(newRand(2), 10)
	assert.Equal(t, b.Data(), a.Data())
}

func TestPanics(t *testing.T) {
	r := newRand(1)
	cases := []struct {
		name string
		kind error
		msg  string
		f    func()
	}{
		{"no centres", tensor.ErrArgument, `data: Mixture.Sample: bad argument mixture "empty" has no centres`,
			func() { (&Mixture{Name: "empty", Std: 1}).Sample(r, 1) }},
		{"ragged centres", tensor.ErrArgument, `data: Mixture.Dim: bad argument mixture "": centre 1 has length 1, centre 0 has 2`,
			func() { (&Mixture{Centers: [][]float64{{0, 0}, {1}}, Std: 1}).Dim() }},
		{"negative std", tensor.ErrArgument, `data: Mixture1D: bad argument mixture "mixture-1d": standard deviation -1`,
			func() { Mixture1D([]float64{0}, -1, nil) }},
		{"NaN std", tensor.ErrArgument, `data: Mixture1D: bad argument mixture "mixture-1d": standard deviation NaN`,
			func() { Mixture1D([]float64{0}, math.NaN(), nil) }},
		{"weights length", tensor.ErrArgument, `data: Mixture1D: bad argument mixture "mixture-1d": 1 weights for 2 centres`,
			func() { Mixture1D([]float64{0, 1}, 1, []float64{1}) }},
		{"negative weight", tensor.ErrArgument, `data: Mixture1D: bad argument mixture "mixture-1d": weight 1 is -0.5`,
			func() { Mixture1D([]float64{0, 1}, 1, []float64{1, -0.5}) }},
		{"zero weights", tensor.ErrArgument, `data: Mixture1D: bad argument mixture "mixture-1d": weights sum to 0`,
			func() { Mixture1D([]float64{0, 1}, 1, []float64{0, 0}) }},
		{"negative n", tensor.ErrArgument, "data: Mixture.Sample: bad argument negative sample count -1",
			func() { Ring8().Sample(r, -1) }},
		{"density length", tensor.ErrShape, "data: Mixture.Density: shape mismatch point of length 1 for a mixture in 2 dimensions",
			func() { Ring8().Density([]float64{0}) }},
		{"density of a point mass", tensor.ErrArgument, "data: Mixture.Density: bad argument standard deviation 0 is not positive",
			func() { Mixture1D([]float64{0}, 0, nil).Density([]float64{0}) }},
		{"swiss roll negative n", tensor.ErrArgument, "data: SwissRoll: bad argument negative sample count -3",
			func() { SwissRoll(r, -3) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := recoverError(tc.f)
			require.Error(t, err)
			assert.True(t, errors.Is(err, tc.kind), "errors.Is(%v, %v)", err, tc.kind)
			assert.Equal(t, tc.msg, err.Error())
		})
	}
}

// recoverError runs f and returns the error it panicked with, or nil.
func recoverError(f func()) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err, _ = v.(error)
		}
	}()
	f()
	return nil
}
