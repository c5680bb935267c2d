package plot

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNiceTicks(t *testing.T) {
	// Worked out by hand: the smallest step 1, 2 or 5 × 10ᵏ whose multiples
	// from ⌊lo/step⌋ to ⌈hi/step⌉ number at most maxTicks.
	tests := []struct {
		name     string
		lo, hi   float64
		maxTicks int
		want     []float64
	}{
		// step 1 would need 11 ticks, step 2 needs 6.
		{"0 to 10", 0, 10, 6, []float64{0, 2, 4, 6, 8, 10}},
		{"reversed", 10, 0, 6, []float64{0, 2, 4, 6, 8, 10}},
		{"0 to 1", 0, 1, 6, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}},
		{"0 to 1, many", 0, 1, 11, []float64{0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1}},
		// step 2 would run from −4 to 10, 8 ticks; step 5 from −5 to 10.
		{"straddling zero", -3.7, 8.2, 6, []float64{-5, 0, 5, 10}},
		{"negatives", -10, -2, 5, []float64{-10, -8, -6, -4, -2}},
		{"training steps", 0, 2000, 7, []float64{0, 500, 1000, 1500, 2000}},
		// step 0.2 would need 0.2 … 0.8, four ticks.
		{"three ticks", 0.3, 0.7, 3, []float64{0, 0.5, 1}},
		{"three ticks around zero", -0.3, 0.7, 3, []float64{-1, 0, 1}},
		// 5 is widened to [4.5, 5.5]: step 0.2 would need 7 ticks.
		{"degenerate", 5, 5, 6, []float64{4.5, 5, 5.5}},
		{"degenerate at zero", 0, 0, 6, []float64{-1, -0.5, 0, 0.5, 1}},
		{"degenerate negative", -20, -20, 6, []float64{-22, -21, -20, -19, -18}},
		// width 10⁻⁴ is below 10⁻¹²·10⁹: widened to 10⁹ ± 10⁸.
		{"too narrow for float64", 1e9, 1e9 + 1e-4, 6, []float64{9e8, 9.5e8, 1e9, 1.05e9, 1.1e9}},
		{"tiny", 1e-9, 3e-9, 6, []float64{1e-9, 1.5e-9, 2e-9, 2.5e-9, 3e-9}},
		// 0.3/0.1 is 2.9999999999999996 in float64; it must not add a tick.
		{"rounding", 0.3, 0.7, 5, []float64{0.3, 0.4, 0.5, 0.6, 0.7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NiceTicks(tt.lo, tt.hi, tt.maxTicks)
			require.Len(t, got, len(tt.want), "ticks %v", got)
			assert.InDeltaSlice(t, tt.want, got, 1e-12*math.Max(1, math.Abs(tt.want[0])))
		})
	}
}

// TestNiceTicksProperties checks, on random ranges of all scales, what every
// answer must satisfy: the ticks cover the range, there are 2 to maxTicks
// of them, they are equally spaced, and the step is 1, 2 or 5 × 10ᵏ.
func TestNiceTicksProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 0))
	for i := range 2000 {
		scale := math.Pow(10, float64(r.IntN(25)-12))
		lo := (r.Float64()*2 - 1) * scale
		hi := lo + r.Float64()*scale*math.Pow(10, float64(r.IntN(4)-2))
		maxTicks := 3 + r.IntN(10)
		ticks := NiceTicks(lo, hi, maxTicks)

		require.GreaterOrEqual(t, len(ticks), 2, "case %d: [%g, %g] max %d → %v", i, lo, hi, maxTicks, ticks)
		require.LessOrEqual(t, len(ticks), maxTicks, "case %d: [%g, %g] → %v", i, lo, hi, ticks)
		step := ticks[1] - ticks[0]
		require.LessOrEqual(t, ticks[0], lo+1e-9*step, "case %d: [%g, %g] → %v", i, lo, hi, ticks)
		require.GreaterOrEqual(t, ticks[len(ticks)-1], hi-1e-9*step, "case %d: [%g, %g] → %v", i, lo, hi, ticks)
		for k := 1; k < len(ticks); k++ {
			require.InDelta(t, step, ticks[k]-ticks[k-1], 1e-6*step, "case %d: uneven %v", i, ticks)
		}
		mantissa := step / math.Pow(10, math.Floor(math.Log10(step)+1e-9))
		require.True(t, isNice(mantissa), "case %d: step %g has mantissa %g", i, step, mantissa)
	}
}

func isNice(m float64) bool {
	for _, want := range []float64{1, 2, 5} {
		if math.Abs(m-want) < 1e-6 {
			return true
		}
	}
	return false
}

func TestNiceTicksPanics(t *testing.T) {
	assertArgumentPanic(t, "plot: NiceTicks: bad argument maxTicks = 2, want ≥ 3", func() { NiceTicks(0, 1, 2) })
	assertArgumentPanic(t, "plot: NiceTicks: bad argument range [NaN, 1] is not finite", func() { NiceTicks(math.NaN(), 1, 5) })
	assertArgumentPanic(t, "plot: NiceTicks: bad argument range [0, +Inf] is not finite", func() { NiceTicks(0, math.Inf(1), 5) })
}

func TestLogTicks(t *testing.T) {
	tests := []struct {
		name     string
		lo, hi   float64
		maxTicks int
		want     []float64
	}{
		// 1, 2, 5 per decade would need 13 ticks; the powers need 5.
		{"powers of ten", 1e-4, 1, 6, []float64{1e-4, 1e-3, 1e-2, 1e-1, 1}},
		{"inside one decade", 0.2, 0.8, 6, []float64{0.2, 0.5, 1}},
		{"two decades", 3, 300, 8, []float64{2, 5, 10, 20, 50, 100, 200, 500}},
		// twelve decades in at most 5 ticks: every third power.
		{"every third power", 1, 1e12, 5, []float64{1, 1e3, 1e6, 1e9, 1e12}},
		// every fourth power aligned would give 10⁻⁸ … 10⁸, five ticks; so
		// every fifth: 10⁻¹⁰, 10⁻⁵, 1, 10⁵.
		{"alignment costs a tick", 3e-7, 5e4, 4, []float64{1e-10, 1e-5, 1, 1e5}},
		{"degenerate", 10, 10, 6, []float64{10, 20}},
		{"reversed", 1, 1e-2, 3, []float64{1e-2, 1e-1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := LogTicks(tt.lo, tt.hi, tt.maxTicks)
			require.Len(t, got, len(tt.want), "ticks %v", got)
			for i := range got {
				assert.InDelta(t, tt.want[i], got[i], 1e-12*tt.want[i], "tick %d", i)
			}
		})
	}
	assertArgumentPanic(t, "plot: LogTicks: bad argument range [0, 1] is not finite and positive", func() { LogTicks(0, 1, 5) })
	assertArgumentPanic(t, "plot: LogTicks: bad argument maxTicks = 0, want ≥ 2", func() { LogTicks(1, 2, 0) })
}

func TestTickLabel(t *testing.T) {
	tests := []struct {
		v, step float64
		want    string
	}{
		{0, 0.2, "0"},
		{0.2, 0.2, "0.2"},
		{1, 0.2, "1.0"},
		{-0.05, 0.05, "-0.05"},
		{2000, 500, "2000"},
		{0.3, 0.1, "0.3"},
		{1.5e-9, 5e-10, "1.5e-9"},
		{2.5e6, 5e5, "2.5e6"},
		{1e9, 5e7, "1.00e9"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, tickLabel(tt.v, tt.step))
		})
	}
}

func TestLogTickLabel(t *testing.T) {
	for v, want := range map[float64]string{1e-5: "1e-5", 0.01: "0.01", 200: "200", 1e6: "1e6", 1: "1", 5e-4: "0.0005"} {
		assert.Equal(t, want, logTickLabel(v))
	}
}
