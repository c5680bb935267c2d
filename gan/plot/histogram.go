package plot

import (
	"fmt"
	"io"
	"math"
	"sort"
)

// Histogram is an SVG bar chart of how many values fall in each bin, such
// as the distribution of a critic's weights, with optional vertical marker
// lines (the clipping bounds ±c).
//
// The bins are Edges if given; otherwise Bins equal-width bins (0 means 20)
// over [Min, Max], or over the finite values' range if Min = Max (both 0,
// say). Bin i holds the values v with Edges[i] ≤ v < Edges[i+1]; the last
// bin also holds v = its right edge. Values outside all bins and NaN are
// not counted. The x axis spans the bins and the markers, and 3 % more on
// each side.
type Histogram struct {
	Title, XLabel, YLabel string
	Width, Height         int // size in pixels; 0 means 640×400
	Values                []float64
	Bins                  int
	Min, Max              float64
	Edges                 []float64
	Markers               []Marker
}

// Marker is a dashed vertical line at X, labelled near its top.
type Marker struct {
	X     float64
	Label string
}

const defaultBins = 20

// EqualEdges returns the n + 1 edges of n equal-width bins over [lo, hi]:
// lo + i·(hi − lo)/n for i = 0 … n, the last one exactly hi. It panics with
// tensor.ErrArgument if n < 1, lo ≥ hi, or either is not finite.
func EqualEdges(lo, hi float64, n int) []float64 {
	if n < 1 || !(lo < hi) || !isFinite(lo) || !isFinite(hi) {
		panicf("EqualEdges", "%d bins over [%g, %g], want n ≥ 1 and finite lo < hi", n, lo, hi)
	}
	edges := make([]float64, n+1)
	for i := range n {
		edges[i] = lo + float64(i)*(hi-lo)/float64(n)
	}
	edges[n] = hi
	return edges
}

// Bin counts the values in each bin: counts[i] is the number of v with
// edges[i] ≤ v < edges[i+1], the last bin closed on the right. Values
// outside [edges[0], edges[n]] and NaN are not counted. It panics with
// tensor.ErrArgument if there are fewer than two edges or they are not
// finite and strictly increasing.
func Bin(values, edges []float64) []int {
	if problem := edgesProblem(edges); problem != "" {
		panicf("Bin", "%s", problem)
	}
	n := len(edges) - 1
	counts := make([]int, n)
	for _, v := range values {
		if !(v >= edges[0] && v <= edges[n]) { // also drops NaN
			continue
		}
		// The first edge > v closes v's bin; v = edges[n] goes to bin n−1.
		i := sort.Search(n+1, func(k int) bool { return edges[k] > v }) - 1
		counts[min(i, n-1)]++
	}
	return counts
}

// edgesProblem says what is wrong with bin edges, or returns "" if they
// are at least two, finite and strictly increasing.
func edgesProblem(edges []float64) string {
	if len(edges) < 2 {
		return fmt.Sprintf("%d bin edges, want at least 2", len(edges))
	}
	for i, e := range edges {
		if !isFinite(e) || (i > 0 && !(e > edges[i-1])) {
			return fmt.Sprintf("bin edges %v are not finite and strictly increasing", edges)
		}
	}
	return ""
}

// edges returns the bin edges the histogram uses.
func (h Histogram) edges() ([]float64, error) {
	if h.Edges != nil {
		if problem := edgesProblem(h.Edges); problem != "" {
			return h.Edges, argError("Histogram", "%s", problem)
		}
		return h.Edges, nil
	}
	if h.Bins < 0 {
		return nil, argError("Histogram", "%d bins, want ≥ 0", h.Bins)
	}
	lo, hi := h.Min, h.Max
	if lo == hi {
		var ok bool
		if lo, hi, ok = finiteRange(h.Values); !ok {
			lo, hi = 0, 1
		}
		// One distinct value (or a range too narrow to cut into bins):
		// a range around it of width 1, or of 20 % of the value where ±½
		// would vanish in rounding (1.6e107 + 0.5 is 1.6e107).
		if hi-lo <= 1e-12*math.Max(math.Abs(lo), math.Abs(hi)) {
			c := lo/2 + hi/2
			pad := math.Max(0.5, 0.1*math.Abs(c))
			lo, hi = c-pad, c+pad
		}
	}
	if !(lo < hi) || !isFinite(lo) || !isFinite(hi) {
		return nil, argError("Histogram", "bin range [%g, %g], want finite Min < Max", lo, hi)
	}
	return EqualEdges(lo, hi, orDefault(h.Bins, defaultBins)), nil
}

// Encode writes the histogram to w as SVG. It returns an error if a size or
// Bins is negative, the range or the edges are not finite and increasing,
// or a marker is not finite.
func (h Histogram) Encode(w io.Writer) error {
	if h.Width < 0 || h.Height < 0 {
		return argError("Histogram", "size %d×%d is negative", h.Width, h.Height)
	}
	edges, err := h.edges()
	if err != nil {
		return err
	}
	counts := Bin(h.Values, edges)

	xlo, xhi := edges[0], edges[len(edges)-1]
	for _, m := range h.Markers {
		if !isFinite(m.X) {
			return argError("Histogram", "marker at x = %g", m.X)
		}
		xlo, xhi = math.Min(xlo, m.X), math.Max(xhi, m.X)
	}
	// A little room on both sides, so that the outer bars and a marker on
	// an outer edge (±c with all weights inside) do not vanish into the frame.
	pad := 0.03 * (xhi - xlo)
	xlo, xhi = xlo-pad, xhi+pad
	tallest := 1
	for _, c := range counts {
		tallest = max(tallest, c)
	}
	width := float64(orDefault(h.Width, defaultChartWidth))
	height := float64(orDefault(h.Height, defaultChartHeight))
	x := linearAxis(xlo, xhi, true, max(int(width/90), 3))
	y := countAxis(tallest, max(int(height/60), 3))
	f := newFrame(width, height, x, y)

	var s svgDoc
	s.begin(width, height)
	f.drawAxes(&s, h.Title, h.XLabel, h.YLabel)
	s.printf(`<g class="bars" fill="#4a7fb5" stroke="white" stroke-width="0.5">` + "\n")
	for i, c := range counts {
		x0, x1 := f.x.pos(edges[i]), f.x.pos(edges[i+1])
		top := f.y.pos(float64(c))
		s.printf(`<rect class="bar" x="%s" y="%s" width="%s" height="%s"><title>%s</title></rect>`+"\n",
			num(x0), num(top), num(x1-x0), num(f.bottom-top), escape(binTitle(edges, i, c)))
	}
	s.printf("</g>\n")
	for _, m := range h.Markers {
		x := f.x.pos(m.X)
		s.line(x, f.top, x, f.bottom, ` class="marker" stroke="#c0392b" stroke-width="1.5" stroke-dasharray="5 3"`)
		if m.Label != "" { // inside the plot, on the side with more room
			if x < (f.left+f.right)/2 {
				s.text(x+4, f.top+14, "start", ` class="marker-label" fill="#c0392b"`, m.Label)
			} else {
				s.text(x-4, f.top+14, "end", ` class="marker-label" fill="#c0392b"`, m.Label)
			}
		}
	}
	return s.end(w)
}

// Save writes the histogram as an SVG file, atomically; its error names path.
func (h Histogram) Save(path string) error { return save(path, h.Encode) }

// countAxis is a y axis from 0 to a nice tick ≥ tallest with whole-number
// ticks only: a step of ½ between counts would be nonsense.
func countAxis(tallest, maxTicks int) axis {
	ticks := NiceTicks(0, float64(tallest), maxTicks)
	var whole []float64
	var labels []string
	for _, t := range ticks {
		if t == math.Trunc(t) {
			whole = append(whole, t)
			labels = append(labels, fmt.Sprint(int(t)))
		}
	}
	return axis{lo: 0, hi: ticks[len(ticks)-1], ticks: whole, labels: labels}
}

// binTitle is the hover text of bar i: "[0.25, 0.5): 17".
func binTitle(edges []float64, i, count int) string {
	closing := ")"
	if i == len(edges)-2 {
		closing = "]"
	}
	return fmt.Sprintf("[%.4g, %.4g%s: %d", edges[i], edges[i+1], closing, count)
}
