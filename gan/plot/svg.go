package plot

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// svgDoc collects the text of an SVG picture. Coordinates are pixels from
// the top-left corner, written with at most two decimals.
type svgDoc struct{ b strings.Builder }

const svgFont = `font-family="sans-serif" font-size="12"`

// begin opens the document with a white background.
func (s *svgDoc) begin(width, height float64) {
	s.printf(`<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" %s>`+"\n",
		num(width), num(height), num(width), num(height), svgFont)
	s.printf(`<rect width="%s" height="%s" fill="white"/>`+"\n", num(width), num(height))
}

// end closes the document and writes it to w.
func (s *svgDoc) end(w io.Writer) error {
	s.printf("</svg>\n")
	_, err := io.WriteString(w, s.b.String())
	return err
}

func (s *svgDoc) printf(format string, args ...any) { fmt.Fprintf(&s.b, format, args...) }

// text writes an escaped text element; anchor is "start", "middle" or
// "end", and extra holds further attributes (class, transform, ...).
func (s *svgDoc) text(x, y float64, anchor, extra, content string) {
	s.printf(`<text x="%s" y="%s" text-anchor="%s"%s>%s</text>`+"\n",
		num(x), num(y), anchor, extra, escape(content))
}

func (s *svgDoc) line(x1, y1, x2, y2 float64, extra string) {
	s.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s"%s/>`+"\n", num(x1), num(y1), num(x2), num(y2), extra)
}

// num writes v with at most two decimals and no trailing zeros.
func num(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		return "0"
	}
	return s
}

// escape replaces the characters that XML gives a meaning to.
var escape = strings.NewReplacer(
	"&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;",
).Replace

// ---- axes

// axis maps data values on [lo, hi] to pixels on [from, to], linearly or,
// if log is set, linearly in log₁₀ of the value.
type axis struct {
	lo, hi   float64
	log      bool
	from, to float64
	ticks    []float64
	labels   []string
}

func (a axis) pos(v float64) float64 {
	lo, hi := a.lo, a.hi
	if a.log {
		v, lo, hi = math.Log10(v), math.Log10(lo), math.Log10(hi)
	}
	return a.from + normalize(v, lo, hi)*(a.to-a.from)
}

// linearAxis returns an axis over the data range [lo, hi]. If fixed is set
// the axis spans exactly [lo, hi] and shows the nice ticks inside it;
// otherwise it spans from the first to the last nice tick around the data.
func linearAxis(lo, hi float64, fixed bool, maxTicks int) axis {
	ticks := NiceTicks(lo, hi, maxTicks)
	step := ticks[1] - ticks[0]
	if fixed {
		ticks = inside(ticks, lo, hi)
	} else {
		lo, hi = ticks[0], ticks[len(ticks)-1]
	}
	labels := make([]string, len(ticks))
	for i, t := range ticks {
		labels[i] = tickLabel(t, step)
	}
	return axis{lo: lo, hi: hi, ticks: ticks, labels: labels}
}

// logAxis is linearAxis for a logarithmic scale; lo and hi must be > 0.
func logAxis(lo, hi float64, fixed bool, maxTicks int) axis {
	ticks := LogTicks(lo, hi, maxTicks)
	if fixed {
		ticks = inside(ticks, lo, hi)
	} else {
		lo, hi = ticks[0], ticks[len(ticks)-1]
	}
	labels := make([]string, len(ticks))
	for i, t := range ticks {
		labels[i] = logTickLabel(t)
	}
	return axis{lo: lo, hi: hi, log: true, ticks: ticks, labels: labels}
}

// inside keeps the ticks within [lo, hi], allowing for rounding.
func inside(ticks []float64, lo, hi float64) []float64 {
	eps := 1e-9 * (hi - lo)
	var kept []float64
	for _, t := range ticks {
		if t >= lo-eps && t <= hi+eps {
			kept = append(kept, t)
		}
	}
	return kept
}

// frame is the layout of a chart: the picture's size and the plot area
// [left, right] × [top, bottom] in pixels, with an x and a y axis.
type frame struct {
	width, height            float64
	left, right, top, bottom float64
	x, y                     axis
}

const (
	charWidth   = 7 // rough width of one character at font-size 12
	titleSpace  = 34
	xLabelSpace = 46
	rightSpace  = 20
)

// newFrame lays out a chart of the given size around two axes whose pixel
// ends it fills in: it leaves room on the left for the y tick labels and
// the y label, at the bottom for the x ticks and label, at the top for the
// title.
func newFrame(width, height float64, x, y axis) frame {
	longest := 0
	for _, l := range y.labels {
		longest = max(longest, len(l))
	}
	f := frame{width: width, height: height, x: x, y: y}
	f.left = float64(30 + charWidth*longest)
	f.right = width - rightSpace
	f.top = titleSpace
	f.bottom = height - xLabelSpace
	f.x.from, f.x.to = f.left, f.right
	f.y.from, f.y.to = f.bottom, f.top
	return f
}

// drawTicks draws what drawAxes does except the grid lines, for a plot
// area already filled by a picture: the ticks and their labels, the frame,
// the title and the axis labels.
func (f frame) drawTicks(s *svgDoc, title, xLabel, yLabel string) {
	s.printf(`<g class="axes">` + "\n")
	for i, t := range f.x.ticks {
		x := f.x.pos(t)
		s.line(x, f.bottom, x, f.bottom+4, ` stroke="#444"`)
		s.text(x, f.bottom+17, "middle", ` class="tick x"`, f.x.labels[i])
	}
	for i, t := range f.y.ticks {
		y := f.y.pos(t)
		s.line(f.left-4, y, f.left, y, ` stroke="#444"`)
		s.text(f.left-7, y+4, "end", ` class="tick y"`, f.y.labels[i])
	}
	s.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="none" stroke="#444"/>`+"\n",
		num(f.left), num(f.top), num(f.right-f.left), num(f.bottom-f.top))
	s.printf("</g>\n")
	f.drawLabels(s, title, xLabel, yLabel)
}

// drawLabels draws the title and the axis labels.
func (f frame) drawLabels(s *svgDoc, title, xLabel, yLabel string) {
	if title != "" {
		s.text(f.width/2, 22, "middle", ` class="title" font-size="15" font-weight="bold"`, title)
	}
	if xLabel != "" {
		s.text((f.left+f.right)/2, f.bottom+xLabelSpace-10, "middle", ` class="label x"`, xLabel)
	}
	if yLabel != "" {
		x, y := 14.0, (f.top+f.bottom)/2
		s.text(x, y, "middle", fmt.Sprintf(` class="label y" transform="rotate(-90 %s %s)"`, num(x), num(y)), yLabel)
	}
}

// drawAxes draws the title, a light grid line and a label at every tick,
// the frame of the plot area, and the axis labels.
func (f frame) drawAxes(s *svgDoc, title, xLabel, yLabel string) {
	s.printf(`<g class="axes">` + "\n")
	for i, t := range f.x.ticks {
		x := f.x.pos(t)
		s.line(x, f.top, x, f.bottom, ` stroke="#e4e4e4"`)
		s.line(x, f.bottom, x, f.bottom+4, ` stroke="#444"`)
		s.text(x, f.bottom+17, "middle", ` class="tick x"`, f.x.labels[i])
	}
	for i, t := range f.y.ticks {
		y := f.y.pos(t)
		s.line(f.left, y, f.right, y, ` stroke="#e4e4e4"`)
		s.line(f.left-4, y, f.left, y, ` stroke="#444"`)
		s.text(f.left-7, y+4, "end", ` class="tick y"`, f.y.labels[i])
	}
	s.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="none" stroke="#444"/>`+"\n",
		num(f.left), num(f.top), num(f.right-f.left), num(f.bottom-f.top))
	s.printf("</g>\n")
	f.drawLabels(s, title, xLabel, yLabel)
}

// clip defines the plot area as a clip path with the given id, for data
// that may fall outside a fixed axis range.
func (f frame) clip(s *svgDoc, id string) {
	s.printf(`<clipPath id="%s"><rect x="%s" y="%s" width="%s" height="%s"/></clipPath>`+"\n",
		id, num(f.left), num(f.top), num(f.right-f.left), num(f.bottom-f.top))
}

// ---- legends
//
// Legends sit below the x axis's label, outside the plot area, so that they
// never hide data: one or more rows of entries, each a small sample of the
// mark and its label.

// legendItem is one entry of a legend.
type legendItem struct {
	label string
	mark  func(s *svgDoc, x, y float64) // draws the mark centred on (x, y), at most 22 px wide
}

const (
	legendRowHeight = 18.0
	legendMark      = 22.0 // width of the mark's slot
	legendGap       = 18.0 // between two entries of a row
)

func (it legendItem) width() float64 {
	return legendMark + 6 + float64(charWidth*len([]rune(it.label)))
}

// legendRows cuts the items, in order, into rows no wider than width.
func legendRows(items []legendItem, width float64) [][]legendItem {
	var rows [][]legendItem
	used := 0.0
	for _, it := range items {
		w := it.width()
		if len(rows) == 0 || used+legendGap+w > width {
			rows = append(rows, nil)
			used = -legendGap
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], it)
		used += legendGap + w
	}
	return rows
}

// legendHeight is the height the rows take, with a margin above.
func legendHeight(rows [][]legendItem) float64 {
	if len(rows) == 0 {
		return 0
	}
	return float64(len(rows))*legendRowHeight + 6
}

// drawLegend draws the rows, each centred on cx, the first row's middle at
// y0 + 6 + legendRowHeight/2.
func drawLegend(s *svgDoc, rows [][]legendItem, cx, y0 float64) {
	if len(rows) == 0 {
		return
	}
	s.printf(`<g class="legend">` + "\n")
	for r, row := range rows {
		total := -legendGap
		for _, it := range row {
			total += legendGap + it.width()
		}
		x := cx - total/2
		y := y0 + 6 + legendRowHeight*(float64(r)+0.5)
		for _, it := range row {
			s.printf(`<g class="legend-entry">` + "\n")
			it.mark(s, x+legendMark/2, y)
			s.text(x+legendMark+6, y+4, "start", "", it.label)
			s.printf("</g>\n")
			x += it.width() + legendGap
		}
	}
	s.printf("</g>\n")
}

// ---- colour keys

// colorKey draws a vertical bar of the colour map from lo (bottom) to hi
// (top) at x, spanning [top, bottom], with nice ticks on its right and a
// label, rotated, right of them. It returns the width it takes from x.
func colorKey(s *svgDoc, colors func(t float64) string, x, top, bottom, lo, hi float64, label string) {
	const steps, barWidth = 64, 14.0
	h := bottom - top
	s.printf(`<g class="colorkey">` + "\n")
	s.printf(`<g shape-rendering="crispEdges">` + "\n")
	for i := range steps {
		y := top + h*float64(steps-1-i)/steps
		s.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`+"\n",
			num(x), num(y), num(barWidth), num(h/steps+0.5), colors((float64(i)+0.5)/steps))
	}
	s.printf("</g>\n")
	s.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="none" stroke="#444"/>`+"\n", num(x), num(top), num(barWidth), num(h))
	a := linearAxis(lo, hi, true, max(int(h/45), 3))
	a.from, a.to = bottom, top
	if lo == hi {
		a.ticks, a.labels = []float64{lo}, []string{tickLabel(lo, math.Max(math.Abs(lo), 1))}
	}
	longest := 0
	for i, t := range a.ticks {
		y := a.pos(t)
		if lo == hi {
			y = (top + bottom) / 2
		}
		s.line(x+barWidth, y, x+barWidth+4, y, ` stroke="#444"`)
		s.text(x+barWidth+7, y+4, "start", ` class="colorkey-tick"`, a.labels[i])
		longest = max(longest, len(a.labels[i]))
	}
	if label != "" {
		lx, ly := x+barWidth+10+float64(charWidth*longest)+8, (top+bottom)/2
		s.text(lx, ly, "middle", fmt.Sprintf(` class="colorkey-label" transform="rotate(90 %s %s)"`, num(lx), num(ly)), label)
	}
	s.printf("</g>\n")
}

// colorKeyWidth is how much room colorKey takes right of x.
func colorKeyWidth(lo, hi, h float64, label string) float64 {
	longest := 1
	if lo != hi {
		for _, l := range linearAxis(lo, hi, true, max(int(h/45), 3)).labels {
			longest = max(longest, len(l))
		}
	} else {
		longest = len(tickLabel(lo, math.Max(math.Abs(lo), 1)))
	}
	w := 14 + 7 + float64(charWidth*longest)
	if label != "" {
		w += 3 + 8 + 12
	}
	return w
}
