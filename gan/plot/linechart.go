package plot

import (
	"image/color"
	"io"
	"math"
	"strings"
)

// LineChart is an SVG chart of several named series y(x), such as losses or
// a metric against the training step, with nice ticks on both axes, a
// legend below the x axis (outside the plot, so it hides no line), and
// optional dashed horizontal reference lines (a target value, the true W₁,
// log 2).
//
// Points whose x or y is NaN or infinite, or whose y ≤ 0 on a log scale,
// are left out and break the line: each unbroken run of points becomes one
// polyline, and a run of a single point a small dot. The axes cover the
// drawable points and the reference lines unless XRange or YRange fixes
// them; data outside a fixed range is clipped.
type LineChart struct {
	Title, XLabel, YLabel string
	Width, Height         int  // size in pixels without the legend; 0 means 640×400
	LogY                  bool // logarithmic y axis
	XRange, YRange        [2]float64
	Series                []Line
	Refs                  []RefLine
}

// Line is one series of a LineChart. A zero Color means SeriesColor(i) for
// the i-th series. Markers adds a dot at every point, for short series.
type Line struct {
	Name    string
	Points  []Point
	Color   color.RGBA
	Markers bool
}

// RefLine is a dashed horizontal line at height Y, labelled at its right end.
type RefLine struct {
	Y     float64
	Label string
}

const (
	defaultChartWidth  = 640
	defaultChartHeight = 400
)

// Encode writes the chart to w as SVG. It returns an error if a size is
// negative, a fixed range has min ≥ max (or min ≤ 0 on a log axis), or a
// reference line is not finite (or ≤ 0 on a log axis).
func (c LineChart) Encode(w io.Writer) error {
	f, err := c.layout()
	if err != nil {
		return err
	}
	var s svgDoc
	s.begin(f.width, f.height)
	f.drawAxes(&s, c.Title, c.XLabel, c.YLabel)
	f.clip(&s, "plot-area")
	s.printf(`<g clip-path="url(#plot-area)">` + "\n")
	for i, l := range c.Series {
		c.drawSeries(&s, f, l, c.lineColor(i))
	}
	for _, r := range c.Refs {
		y := f.y.pos(r.Y)
		s.line(f.left, y, f.right, y, ` class="ref" stroke="#555" stroke-width="1.2" stroke-dasharray="6 4"`)
	}
	s.printf("</g>\n")
	for _, r := range c.Refs {
		if r.Label != "" {
			s.text(f.right-4, f.y.pos(r.Y)-5, "end", ` class="ref-label" fill="#555" stroke="white" stroke-width="3" paint-order="stroke"`, r.Label)
		}
	}
	drawLegend(&s, c.legend(f.width), (f.left+f.right)/2, f.bottom+xLabelSpace-6)
	return s.end(w)
}

// Save writes the chart as an SVG file, atomically; its error names path.
func (c LineChart) Save(path string) error { return save(path, c.Encode) }

func (c LineChart) lineColor(i int) color.RGBA {
	if col := c.Series[i].Color; col != (color.RGBA{}) {
		return col
	}
	return SeriesColor(i)
}

// drawable says whether a point can be placed on the chart's axes.
func (c LineChart) drawable(p Point) bool {
	return isFinite(p.X) && isFinite(p.Y) && (!c.LogY || p.Y > 0)
}

// layout validates the chart and fits the axes to what it will draw.
func (c LineChart) layout() (frame, error) {
	if c.Width < 0 || c.Height < 0 {
		return frame{}, argError("LineChart", "size %d×%d is negative", c.Width, c.Height)
	}
	for _, r := range [][2]float64{c.XRange, c.YRange} {
		if r != [2]float64{} && !(r[0] < r[1] && isFinite(r[0]) && isFinite(r[1])) {
			return frame{}, argError("LineChart", "range %v, want finite min < max", r)
		}
	}
	if c.LogY && c.YRange != [2]float64{} && c.YRange[0] <= 0 {
		return frame{}, argError("LineChart", "log y range %v starts at ≤ 0", c.YRange)
	}
	for _, r := range c.Refs {
		if !isFinite(r.Y) || (c.LogY && r.Y <= 0) {
			return frame{}, argError("LineChart", "reference line at y = %g cannot be drawn", r.Y)
		}
	}

	xlo, xhi, ylo, yhi := c.dataRange()
	if c.XRange != [2]float64{} {
		xlo, xhi = c.XRange[0], c.XRange[1]
	}
	if c.YRange != [2]float64{} {
		ylo, yhi = c.YRange[0], c.YRange[1]
	}
	width := float64(orDefault(c.Width, defaultChartWidth))
	height := float64(orDefault(c.Height, defaultChartHeight))
	x := linearAxis(xlo, xhi, c.XRange != [2]float64{}, max(int(width/90), 3))
	var y axis
	if c.LogY {
		y = logAxis(ylo, yhi, c.YRange != [2]float64{}, max(int(height/50), 2))
	} else {
		y = linearAxis(ylo, yhi, c.YRange != [2]float64{}, max(int(height/60), 3))
	}
	legendH := legendHeight(c.legend(width))
	f := newFrame(width, height+legendH, x, y)
	f.bottom -= legendH
	f.y.from = f.bottom
	return f, nil
}

// dataRange returns the range of the drawable points and reference lines;
// with nothing to draw it returns [0, 1] on both axes ([1, 10] for log y).
func (c LineChart) dataRange() (xlo, xhi, ylo, yhi float64) {
	xlo, ylo = math.Inf(1), math.Inf(1)
	xhi, yhi = math.Inf(-1), math.Inf(-1)
	for _, l := range c.Series {
		for _, p := range l.Points {
			if c.drawable(p) {
				xlo, xhi = math.Min(xlo, p.X), math.Max(xhi, p.X)
				ylo, yhi = math.Min(ylo, p.Y), math.Max(yhi, p.Y)
			}
		}
	}
	if xlo > xhi {
		xlo, xhi = 0, 1
	}
	for _, r := range c.Refs {
		ylo, yhi = math.Min(ylo, r.Y), math.Max(yhi, r.Y)
	}
	if ylo > yhi {
		ylo, yhi = 0, 1
		if c.LogY {
			ylo, yhi = 1, 10
		}
	}
	return xlo, xhi, ylo, yhi
}

// drawSeries draws each unbroken run of drawable points.
func (c LineChart) drawSeries(s *svgDoc, f frame, l Line, col color.RGBA) {
	s.printf(`<g class="series" stroke="%s" fill="%s">`+"\n", hex(col), hex(col))
	var run []Point
	flush := func() {
		switch {
		case len(run) == 1:
			s.printf(`<circle class="point" cx="%s" cy="%s" r="2"/>`+"\n", num(f.x.pos(run[0].X)), num(f.y.pos(run[0].Y)))
		case len(run) > 1:
			var pts strings.Builder
			for i, p := range run {
				if i > 0 {
					pts.WriteByte(' ')
				}
				pts.WriteString(num(f.x.pos(p.X)) + "," + num(f.y.pos(p.Y)))
			}
			s.printf(`<polyline class="line" fill="none" stroke-width="1.5" stroke-linejoin="round" points="%s"/>`+"\n", pts.String())
		}
		run = run[:0]
	}
	for _, p := range l.Points {
		if !c.drawable(p) {
			flush()
			continue
		}
		run = append(run, p)
		if l.Markers {
			s.printf(`<circle class="marker" cx="%s" cy="%s" r="2.5"/>`+"\n", num(f.x.pos(p.X)), num(f.y.pos(p.Y)))
		}
	}
	flush()
	s.printf("</g>\n")
}

// legend lists the named series, each with a short stroke of its colour,
// in rows that fit the chart's width.
func (c LineChart) legend(width float64) [][]legendItem {
	var items []legendItem
	for i, l := range c.Series {
		if l.Name == "" {
			continue
		}
		col := hex(c.lineColor(i))
		items = append(items, legendItem{label: l.Name, mark: func(s *svgDoc, x, y float64) {
			s.line(x-legendMark/2, y, x+legendMark/2, y, ` stroke="`+col+`" stroke-width="2"`)
		}})
	}
	return legendRows(items, width-40)
}
