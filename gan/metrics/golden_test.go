package metrics

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/autograd"
	"ganbook/tensor"
)

// testdata/metrics.json was written once by testdata/gen_metrics.py with
// PyTorch and NumPy in float64 (see the script for how each value is
// computed independently of the Go code).
type metricsGolden struct {
	Frechet struct {
		Mu1, Cov1, Mu2, Cov2 []float64
		Value                float64
	} `json:"frechet"`
	FrechetFeatures struct {
		X1, X2 []float64
		Value  float64
	} `json:"frechet_features"`
	Inception struct {
		Probs []float64 `json:"probs"`
		Cases []struct {
			Splits    int
			Mean, Std float64
		} `json:"cases"`
	} `json:"inception"`
	PrecisionRecall struct {
		Real, Fake        []float64
		K                 int
		RadiiReal         []float64 `json:"radii_real"`
		Precision, Recall float64
	} `json:"precision_recall"`
	FIDInfinity struct {
		Ns               []int
		Fids             []float64
		Intercept, Slope float64
	} `json:"fid_infinity"`
	Bounds struct {
		Vp, Vq []float64
		Cases  []struct {
			Name  string
			Value float64
			GP    []float64 `json:"grad_p"`
			GQ    []float64 `json:"grad_q"`
		} `json:"cases"`
	} `json:"bounds"`
}

func loadMetricsGolden(t *testing.T) metricsGolden {
	t.Helper()
	raw, err := os.ReadFile("testdata/metrics.json")
	require.NoError(t, err)
	var g metricsGolden
	require.NoError(t, json.Unmarshal(raw, &g))
	return g
}

func TestFrechetDistanceMatchesPyTorch(t *testing.T) {
	g := loadMetricsGolden(t)
	f := g.Frechet
	got, err := FrechetDistance(tensor.New(f.Mu1, 4), tensor.New(f.Cov1, 4, 4), tensor.New(f.Mu2, 4), tensor.New(f.Cov2, 4, 4))
	require.NoError(t, err)
	assert.InDelta(t, f.Value, got, 1e-12)

	ff := g.FrechetFeatures
	got, err = FrechetDistanceOf(tensor.New(ff.X1, 30, 3), tensor.New(ff.X2, 25, 3))
	require.NoError(t, err)
	assert.InDelta(t, ff.Value, got, 1e-12)
}

func TestInceptionScoreMatchesReferenceCode(t *testing.T) {
	g := loadMetricsGolden(t).Inception
	require.Len(t, g.Cases, 3)
	probs := tensor.New(g.Probs, 23, 5)
	for _, c := range g.Cases {
		mean, std := InceptionScore(probs, c.Splits)
		assert.InDelta(t, c.Mean, mean, 1e-12, "splits %d", c.Splits)
		assert.InDelta(t, c.Std, std, 1e-12, "splits %d", c.Splits)
	}
}

func TestPrecisionRecallMatchesReferenceCode(t *testing.T) {
	g := loadMetricsGolden(t).PrecisionRecall
	real, fake := tensor.New(g.Real, 20, 2), tensor.New(g.Fake, 15, 2)
	radii := KNNRadii(real, g.K)
	require.Len(t, radii, len(g.RadiiReal))
	assert.InDeltaSlice(t, g.RadiiReal, radii, 1e-12)
	p, r := PrecisionRecall(real, fake, g.K)
	assert.Equal(t, g.Precision, p)
	assert.Equal(t, g.Recall, r)
	assert.Less(t, p, 1.0, "the case is not trivial")
	assert.Less(t, r, 1.0, "the case is not trivial")
}

func TestFIDInfinityMatchesPolyfit(t *testing.T) {
	g := loadMetricsGolden(t).FIDInfinity
	a, b := FIDInfinity(g.Ns, g.Fids)
	assert.InDelta(t, g.Intercept, a, 1e-10)
	assert.InDelta(t, g.Slope, b, 1e-8)
}

func TestDivergenceBoundsMatchPyTorch(t *testing.T) {
	g := loadMetricsGolden(t).Bounds
	fns := map[string]func(vp, vq *autograd.Var) *autograd.Var{"kl": KLLowerBound, "js": JSLowerBound, "tv": TVLowerBound}
	require.Len(t, g.Cases, len(fns))
	for _, c := range g.Cases {
		vp := autograd.Param(tensor.New(append([]float64(nil), g.Vp...), 6, 1))
		vq := autograd.Param(tensor.New(append([]float64(nil), g.Vq...), 5, 1))
		v := fns[c.Name](vp, vq)
		grads := autograd.Grad([]*autograd.Var{v}, []*autograd.Var{vp, vq}, false)
		assert.InDelta(t, c.Value, v.Item(), 1e-14, c.Name)
		require.Len(t, grads[0].Value.Data(), len(c.GP))
		assert.InDeltaSlice(t, c.GP, grads[0].Value.Data(), 1e-14, c.Name)
		require.Len(t, grads[1].Value.Data(), len(c.GQ))
		assert.InDeltaSlice(t, c.GQ, grads[1].Value.Data(), 1e-14, c.Name)
	}
}
