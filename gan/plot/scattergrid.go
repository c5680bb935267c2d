package plot

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image/png"
	"io"
	"math"
)

// ScatterGrid draws small multiples: Rows × Cols scatter panels side by
// side, such as the samples of several runs (rows) at several moments of
// training (columns), the figure papers use to show a generator moving
// between modes. Panels holds them row by row; each is drawn as its Image
// (its own Window, Field and Layers; a zero Width or Height means 160
// pixels here). Around them the SVG has the title, a label left of every
// row and above every column, one pair of axis labels, the window's extent
// as text under the grid ("x₁ from −1.2 to 1.2, x₂ from …", when every
// panel shares the first panel's window), and one legend, the first
// panel's layers.
type ScatterGrid struct {
	Title                string
	XLabel, YLabel       string
	Rows, Cols           int
	RowLabels, ColLabels []string // len Rows and len Cols; empty strings leave a label out
	Panels               []Scatter
}

const (
	defaultPanelSide = 160
	panelGap         = 8.0
)

// Encode writes the grid to w as SVG. It returns an error if Rows or Cols
// is below 1, the panels do not number Rows·Cols, there are labels but not
// one per row (or column), or a panel's Image fails.
func (g ScatterGrid) Encode(w io.Writer) error {
	if g.Rows < 1 || g.Cols < 1 || len(g.Panels) != g.Rows*g.Cols {
		return argError("ScatterGrid", "%d panels for %d rows × %d columns", len(g.Panels), g.Rows, g.Cols)
	}
	if (len(g.RowLabels) != 0 && len(g.RowLabels) != g.Rows) || (len(g.ColLabels) != 0 && len(g.ColLabels) != g.Cols) {
		return argError("ScatterGrid", "%d row labels and %d column labels for %d × %d panels",
			len(g.RowLabels), len(g.ColLabels), g.Rows, g.Cols)
	}
	rasters := make([][]byte, len(g.Panels))
	pw, ph := 0.0, 0.0
	for i, p := range g.Panels {
		p.Width, p.Height = orDefault(p.Width, defaultPanelSide), orDefault(p.Height, defaultPanelSide)
		img, err := p.Image()
		if err != nil {
			return fmt.Errorf("panel %d: %w", i, err)
		}
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			return err
		}
		rasters[i] = b.Bytes()
		pw, ph = math.Max(pw, float64(p.Width)), math.Max(ph, float64(p.Height))
	}

	longest := 0
	for _, l := range g.RowLabels {
		longest = max(longest, len([]rune(l)))
	}
	left := 30 + float64(charWidth*longest) // the y label, then the row labels
	top := titleSpace + 18.0                // the title, then the column labels
	gridW := float64(g.Cols)*pw + float64(g.Cols-1)*panelGap
	gridH := float64(g.Rows)*ph + float64(g.Rows-1)*panelGap
	width := math.Max(left+gridW+rightSpace, float64(len([]rune(g.Title))*8+20))
	legend := legendRows(g.Panels[0].legend(), width-20)
	extent := g.extent()
	bottom := top + gridH
	height := bottom + 22 + 18 + legendHeight(legend) + 4 // the x label, the extent, the legend

	var doc svgDoc
	doc.begin(width, height)
	if g.Title != "" {
		doc.text(width/2, 22, "middle", ` class="title" font-size="15" font-weight="bold"`, g.Title)
	}
	for i, raster := range rasters {
		r, c := i/g.Cols, i%g.Cols
		x, y := left+float64(c)*(pw+panelGap), top+float64(r)*(ph+panelGap)
		doc.printf(`<image class="panel" x="%s" y="%s" width="%s" height="%s" preserveAspectRatio="none" href="data:image/png;base64,%s"/>`+"\n",
			num(x), num(y), num(pw), num(ph), base64.StdEncoding.EncodeToString(raster))
		doc.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="none" stroke="#444"/>`+"\n", num(x), num(y), num(pw), num(ph))
	}
	for c, l := range g.ColLabels {
		doc.text(left+float64(c)*(pw+panelGap)+pw/2, top-6, "middle", ` class="col-label"`, l)
	}
	for r, l := range g.RowLabels {
		doc.text(left-6, top+float64(r)*(ph+panelGap)+ph/2+4, "end", ` class="row-label"`, l)
	}
	if g.XLabel != "" {
		doc.text(left+gridW/2, bottom+18, "middle", ` class="label x"`, g.XLabel)
	}
	if g.YLabel != "" {
		x, y := 14.0, top+gridH/2
		doc.text(x, y, "middle", fmt.Sprintf(` class="label y" transform="rotate(-90 %s %s)"`, num(x), num(y)), g.YLabel)
	}
	if extent != "" {
		doc.text(left+gridW/2, bottom+36, "middle", ` class="extent" fill="#555"`, extent)
	}
	drawLegend(&doc, legend, left+gridW/2, bottom+40)
	return doc.end(w)
}

// extent describes the shared window, or returns "" if the panels' windows
// differ.
func (g ScatterGrid) extent() string {
	w := g.Panels[0].Window
	for _, p := range g.Panels[1:] {
		if p.Window != w {
			return ""
		}
	}
	x, y := g.XLabel, g.YLabel
	if x == "" {
		x = "x"
	}
	if y == "" {
		y = "y"
	}
	return fmt.Sprintf("every panel: %s from %.3g to %.3g, %s from %.3g to %.3g", x, w.XMin, w.XMax, y, w.YMin, w.YMax)
}

// Save writes the grid as an SVG file, atomically; its error names path.
func (g ScatterGrid) Save(path string) error { return save(path, g.Encode) }
