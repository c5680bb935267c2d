package plot

import (
	"bytes"
	"encoding/base64"
	"image/color"
	"image/png"
	"io"
	"math"
	"strconv"
)

// BarPanels is an SVG of small bar charts laid out in a grid, each showing
// non-negative values over the same categories: a classifier's
// probabilities p(y|x) over the ten digits for several images, say, or the
// class frequencies p(y) of several sets of images. A panel may carry a
// picture, drawn to the left of its bars (the image whose probabilities
// they are), and every panel shares the y axis [0, YMax], so that heights
// compare across panels. Refs are dashed horizontal lines drawn in every
// panel (the uniform distribution 1/K).
type BarPanels struct {
	Title      string
	Categories []string   // the bars' labels, left to right, the same in every panel
	Panels     []BarPanel //
	Cols       int        // panels per row; 0 means up to 4
	YMax       float64    // the top of every y axis; 0 means the largest value (1 if all are 0)
	YLabel     string     // written beside each panel's y axis
	Refs       []RefLine
}

// BarPanel is one chart of a BarPanels: a title above it, one value per
// category, an optional picture and the bars' colour (zero:
// SeriesColor(0)).
type BarPanel struct {
	Title  string
	Values []float64
	Image  *ImageGrid
	Color  color.RGBA
}

// Sizes of a panel, in pixels.
const (
	barPlotWidth  = 200 // the bars' plot area
	barPlotHeight = 110
	barThumb      = 72 // the side of a panel's picture
	barPanelTop   = 24 // the panel's title
	barTickSpace  = 38 // the y tick labels, left of the plot area
	barLabelSpace = 20 // the category labels, below it
	barGap        = 18 // between panels
	barYLabel     = 16 // the y label, left of the ticks
)

// Encode writes the panels to w as SVG. It returns an error if there is no
// panel or no category, a panel's value count differs from the number of
// categories, a value is negative or not finite, YMax or Cols is negative
// or YMax is not finite, a reference line is not finite, or a picture
// cannot be drawn (see ImageGrid.Image).
func (b BarPanels) Encode(w io.Writer) error {
	if err := b.valid(); err != nil {
		return err
	}
	ymax := b.YMax
	if ymax == 0 {
		for _, p := range b.Panels {
			for _, v := range p.Values {
				ymax = math.Max(ymax, v)
			}
		}
		if ymax == 0 {
			ymax = 1
		}
	}
	cols := b.Cols
	if cols == 0 {
		cols = 4
	}
	cols = min(cols, len(b.Panels))
	rows := (len(b.Panels) + cols - 1) / cols
	thumb := 0.0
	for _, p := range b.Panels {
		if p.Image != nil {
			thumb = barThumb + 8
		}
	}
	yLabel := 0.0
	if b.YLabel != "" {
		yLabel = barYLabel
	}
	plotW := b.plotWidth()
	panelW := thumb + yLabel + barTickSpace + plotW + barGap
	panelH := float64(barPanelTop + barPlotHeight + barLabelSpace + barGap)
	width := math.Max(float64(cols)*panelW+barGap, float64(len([]rune(b.Title))*8+20))
	height := titleSpace + float64(rows)*panelH

	var s svgDoc
	s.begin(width, height)
	if b.Title != "" {
		s.text(width/2, 22, "middle", ` class="title" font-size="15" font-weight="bold"`, b.Title)
	}
	y := linearAxis(0, ymax, true, 4)
	for i, p := range b.Panels {
		x0 := barGap + float64(i%cols)*panelW
		y0 := titleSpace + float64(i/cols)*panelH
		if err := b.drawPanel(&s, p, x0, y0, thumb, yLabel, plotW, y); err != nil {
			return err
		}
	}
	return s.end(w)
}

// plotWidth is the width of a panel's plot area: barPlotWidth, or more if
// the category labels need it.
func (b BarPanels) plotWidth() float64 {
	longest := 0
	for _, c := range b.Categories {
		longest = max(longest, len([]rune(c)))
	}
	return math.Max(barPlotWidth, float64(len(b.Categories)*(longest*charWidth+8)))
}

// drawPanel draws panel p with its top-left corner at (x0, y0): from left
// to right its picture (thumb wide, if any), its y label, the tick labels
// and the plot area, plotW wide.
func (b BarPanels) drawPanel(s *svgDoc, p BarPanel, x0, y0, thumb, yLabel, plotW float64, y axis) error {
	left := x0 + thumb + yLabel + barTickSpace
	top := y0 + barPanelTop
	bottom := top + barPlotHeight
	right := left + plotW
	y.from, y.to = bottom, top
	s.printf(`<g class="panel">` + "\n")
	if p.Title != "" {
		s.text((left+right)/2, y0+barPanelTop-8, "middle", ` class="panel-title" font-weight="bold"`, p.Title)
	}
	if p.Image != nil {
		img, err := p.Image.Image()
		if err != nil {
			return err
		}
		var raster bytes.Buffer
		if err := png.Encode(&raster, img); err != nil {
			return err
		}
		side := float64(barThumb)
		s.printf(`<image class="picture" x="%s" y="%s" width="%s" height="%s" style="image-rendering:pixelated" preserveAspectRatio="xMidYMid meet" href="data:image/png;base64,%s"/>`+"\n",
			num(x0), num(top+(barPlotHeight-side)/2), num(side), num(side), base64.StdEncoding.EncodeToString(raster.Bytes()))
	}
	for k, t := range y.ticks {
		ty := y.pos(t)
		s.line(left, ty, right, ty, ` stroke="#e4e4e4"`)
		s.line(left-4, ty, left, ty, ` stroke="#444"`)
		s.text(left-7, ty+4, "end", ` class="tick y"`, y.labels[k])
	}
	if b.YLabel != "" {
		lx, ly := x0+thumb+yLabel/2+2, (top+bottom)/2
		s.text(lx, ly, "middle", ` class="label y" font-size="11" transform="rotate(-90 `+num(lx)+" "+num(ly)+`)"`, b.YLabel)
	}
	col := p.Color
	if col == (color.RGBA{}) {
		col = SeriesColor(0)
	}
	slot := plotW / float64(len(b.Categories))
	s.printf(`<g class="bars" fill="%s">`+"\n", hex(col))
	for k, v := range p.Values {
		h := math.Min(v, y.hi) // a value above a fixed YMax is cut at the frame
		bx := left + float64(k)*slot + 0.15*slot
		by := y.pos(h)
		s.printf(`<rect class="bar" x="%s" y="%s" width="%s" height="%s"><title>%s: %s</title></rect>`+"\n",
			num(bx), num(by), num(0.7*slot), num(bottom-by), escape(b.Categories[k]), formatBarValue(v))
	}
	s.printf("</g>\n")
	for k, c := range b.Categories {
		s.text(left+(float64(k)+0.5)*slot, bottom+15, "middle", ` class="tick x"`, c)
	}
	for _, r := range b.Refs {
		ry := y.pos(math.Min(r.Y, y.hi))
		s.line(left, ry, right, ry, ` class="ref" stroke="#555" stroke-width="1.2" stroke-dasharray="6 4"`)
		if r.Label != "" {
			s.text(right-4, ry-4, "end", ` class="ref-label" font-size="11" fill="#555" stroke="white" stroke-width="3" paint-order="stroke"`, r.Label)
		}
	}
	s.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="none" stroke="#444"/>`+"\n",
		num(left), num(top), num(right-left), num(bottom-top))
	s.printf("</g>\n")
	return nil
}

// formatBarValue writes a bar's value for its hover text, to four
// significant digits.
func formatBarValue(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }

// Save writes the panels as an SVG file, atomically; its error names path.
func (b BarPanels) Save(path string) error { return save(path, b.Encode) }

func (b BarPanels) valid() error {
	if len(b.Panels) == 0 || len(b.Categories) == 0 {
		return argError("BarPanels", "%d panels of %d categories, want at least one of each", len(b.Panels), len(b.Categories))
	}
	if b.Cols < 0 || !(b.YMax >= 0) || math.IsInf(b.YMax, 1) {
		return argError("BarPanels", "Cols %d, YMax %g, want Cols ≥ 0 and a finite YMax ≥ 0", b.Cols, b.YMax)
	}
	for i, p := range b.Panels {
		if len(p.Values) != len(b.Categories) {
			return argError("BarPanels", "panel %d has %d values for %d categories", i, len(p.Values), len(b.Categories))
		}
		for k, v := range p.Values {
			if !(v >= 0) || math.IsInf(v, 1) {
				return argError("BarPanels", "panel %d, category %q: value %g, want finite and ≥ 0", i, b.Categories[k], v)
			}
		}
	}
	for _, r := range b.Refs {
		if !isFinite(r.Y) {
			return argError("BarPanels", "reference line at y = %g cannot be drawn", r.Y)
		}
	}
	return nil
}
