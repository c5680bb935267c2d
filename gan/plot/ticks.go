package plot

import (
	"math"
	"strconv"
	"strings"
)

// niceMantissas are the leading digits a nice tick step may have:
// steps are 1, 2 or 5 times a power of ten.
var niceMantissas = [...]float64{1, 2, 5}

// NiceTicks returns the tick values for a linear axis over [lo, hi]: the
// multiples i·s of a step s = m·10ᵏ with m ∈ {1, 2, 5}, from the largest
// multiple ≤ lo to the smallest ≥ hi, so the ticks cover the range. It picks
// the smallest such step that needs at most maxTicks ticks; for [0, 10] and
// maxTicks = 6 that is s = 2 and the ticks 0, 2, 4, 6, 8, 10.
//
// lo and hi may come in either order. A range of zero width (or one too
// narrow for float64 to step through, width ≤ 10⁻¹²·max(|lo|, |hi|)) is
// widened to c ± 10 % of |c| around its centre c, or to [−1, 1] if c = 0.
// It panics with tensor.ErrArgument if maxTicks < 3 (a range with 0 inside
// needs the three ticks −s, 0, s) or if lo or hi is NaN or infinite.
func NiceTicks(lo, hi float64, maxTicks int) []float64 {
	if maxTicks < 3 {
		panicf("NiceTicks", "maxTicks = %d, want ≥ 3", maxTicks)
	}
	if !isFinite(lo) || !isFinite(hi) {
		panicf("NiceTicks", "range [%g, %g] is not finite", lo, hi)
	}
	if lo > hi {
		lo, hi = hi, lo
	}
	lo, hi = widen(lo, hi)
	// No step below span/(maxTicks−1) can cover the span with maxTicks
	// ticks; start one decade lower than that to be safe from rounding in
	// Log10, and go up through 1, 2, 5 × 10ᵏ until the ticks fit.
	k := int(math.Floor(math.Log10((hi-lo)/float64(maxTicks-1)))) - 1
	for ; ; k++ {
		for _, m := range niceMantissas {
			step := m * pow10(k)
			first := math.Floor(snap(lo / step))
			last := math.Ceil(snap(hi / step))
			if last-first+1 <= float64(maxTicks) {
				ticks := make([]float64, 0, int(last-first)+1)
				for i := first; i <= last; i++ {
					ticks = append(ticks, multiple(i*m, k)+0) // +0 turns −0 into 0
				}
				return ticks
			}
		}
	}
}

// widen returns [lo, hi] unchanged unless it is too narrow to tick, in
// which case it returns c ± 10 % of |c|, or [−1, 1] for c = 0.
func widen(lo, hi float64) (float64, float64) {
	if hi-lo > 1e-12*math.Max(math.Abs(lo), math.Abs(hi)) {
		return lo, hi
	}
	c := lo/2 + hi/2
	if c == 0 {
		return -1, 1
	}
	pad := 0.1 * math.Abs(c)
	return c - pad, c + pad
}

// snap rounds x to the nearest integer when it is within a relative 10⁻⁹
// of it, so that 0.3/0.1 = 2.9999999999999996 counts as 3 and does not add
// a tick. The tolerance is relative so that a small x such as −10⁻¹⁰ is
// never snapped to 0, which would leave it outside the ticks.
func snap(x float64) float64 {
	if r := math.Round(x); math.Abs(x-r) < 1e-9*math.Abs(x) {
		return r
	}
	return x
}

// pow10 returns 10ᵏ for an integer k.
func pow10(k int) float64 { return math.Pow(10, float64(k)) }

// multiple returns a·10ᵏ for an integer a, dividing by 10⁻ᵏ when k < 0:
// 3/10 is the float64 nearest 0.3, while 3·0.1 is 0.30000000000000004.
func multiple(a float64, k int) float64 {
	if k < 0 {
		return a / pow10(-k)
	}
	return a * pow10(k)
}

// LogTicks returns the tick values for a logarithmic axis over [lo, hi],
// both > 0, covering the range (the first tick ≤ lo, the last ≥ hi) with at
// most maxTicks ticks. It uses, in order of preference, the values 1, 2, 5 ×
// 10ᵏ; the powers of ten 10ᵏ; or every n-th power of ten, 10ⁿʲ. For
// [0.2, 0.8] that gives 0.2, 0.5, 1; for [10⁻⁴, 1] and maxTicks = 6 the
// powers 10⁻⁴ … 1. It panics with tensor.ErrArgument if maxTicks < 2, if
// lo or hi is ≤ 0, NaN or infinite.
func LogTicks(lo, hi float64, maxTicks int) []float64 {
	if maxTicks < 2 {
		panicf("LogTicks", "maxTicks = %d, want ≥ 2", maxTicks)
	}
	if !(lo > 0 && hi > 0) || !isFinite(lo) || !isFinite(hi) {
		panicf("LogTicks", "range [%g, %g] is not finite and positive", lo, hi)
	}
	if lo > hi {
		lo, hi = hi, lo
	}
	a := int(math.Floor(snap(math.Log10(lo)))) // 10ᵃ ≤ lo
	b := int(math.Ceil(snap(math.Log10(hi))))  // 10ᵇ ≥ hi
	if b == a {
		b++ // lo = hi = 10ᵃ: show one decade
	}
	if ticks := logTicks125(lo, hi, a, b); len(ticks) <= maxTicks {
		return ticks
	}
	// Every n-th power of ten, aligned to multiples of n so that the ticks
	// read 10⁻⁶, 10⁻³, 1 rather than 10⁻⁵, 10⁻², 10. Aligning can cost one
	// tick, so n grows until the ticks fit.
	for every := (b - a + maxTicks - 2) / (maxTicks - 1); ; every++ {
		var ticks []float64
		for k := floorDiv(a, every) * every; ; k += every {
			ticks = append(ticks, multiple(1, k))
			if k >= b {
				break
			}
		}
		if len(ticks) <= maxTicks {
			return ticks
		}
	}
}

// logTicks125 returns the values m·10ᵏ, m ∈ {1, 2, 5}, a ≤ k < b, and 10ᵇ,
// trimmed to the largest one ≤ lo and the smallest one ≥ hi.
func logTicks125(lo, hi float64, a, b int) []float64 {
	var all []float64
	for k := a; k < b; k++ {
		for _, m := range niceMantissas {
			all = append(all, multiple(m, k))
		}
	}
	all = append(all, multiple(1, b))
	start, end := 0, len(all)-1
	for start+1 < end && all[start+1] <= lo {
		start++
	}
	for end-1 > start && all[end-1] >= hi { // keep two ticks when lo = hi
		end--
	}
	return all[start : end+1]
}

// floorDiv is ⌊a/b⌋ for b > 0, rounding toward −∞ also for negative a.
func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// tickLabel writes the tick value v of a linear axis whose ticks are step
// apart, with just enough digits to tell neighbouring ticks apart: 0.5 and
// 1.0 become "0.5" and "1.0", 2000 stays "2000", and values outside
// [10⁻⁴, 10⁶) use exponent form, "1e-5", "2.5e6".
func tickLabel(v, step float64) string {
	if v == 0 {
		return "0"
	}
	stepExp := int(math.Floor(snap(math.Log10(step))))
	if av := math.Abs(v); av < 1e-4 || av >= 1e6 {
		digits := int(math.Floor(snap(math.Log10(av)))) - stepExp + 1
		return shortExponent(strconv.FormatFloat(v, 'e', max(digits-1, 0), 64))
	}
	return strconv.FormatFloat(v, 'f', max(-stepExp, 0), 64)
}

// logTickLabel writes a tick of a logarithmic axis, which is always some
// m·10ᵏ, in its shortest form: "0.01", "200", "1e-5", "1e6".
func logTickLabel(v float64) string {
	if av := math.Abs(v); av < 1e-4 || av >= 1e6 {
		return shortExponent(strconv.FormatFloat(v, 'e', -1, 64))
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// shortExponent turns Go's "2.5e+06" and "1e-05" into "2.5e6" and "1e-5".
func shortExponent(s string) string {
	mant, exp, ok := strings.Cut(s, "e")
	if !ok {
		return s
	}
	sign := ""
	if exp[0] == '-' {
		sign = "-"
	}
	exp = strings.TrimLeft(exp[1:], "0")
	if exp == "" {
		exp = "0"
	}
	return mant + "e" + sign + exp
}
