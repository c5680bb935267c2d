package plot

import (
	"fmt"
	"image"
	"image/color"
	"io"
)

// Heatmap pictures a Rows × Cols matrix as cells coloured by value, such as
// the mode histogram over time: one row per mode of the data, one column
// per evaluation, the colour saying how many generated samples fell near
// that mode then. Values are row-major, Values[i·Cols + j] in row i from
// the top and column j from the left.
//
// Colours come from Sequential: Min gets t = 0 (dark violet) and Max t = 1
// (yellow); leave Min = Max (both 0, say) to use the finite values' range.
// NaN paints NaNColor. As PNG every cell is Cell × Cell pixels (0 means 8)
// and there is no text; as SVG the cells are Cell pixels wide (0 means 12)
// and the picture adds the title, the row and column labels (either may be
// nil, and an empty label is skipped, to label only every tenth column,
// say) and a colour bar with the range's ends.
type Heatmap struct {
	Rows, Cols           int
	Values               []float64
	Min, Max             float64
	Cell                 int
	Title                string
	RowLabels, ColLabels []string
}

const (
	defaultPNGCell = 8
	defaultSVGCell = 12
)

func (m Heatmap) valid() error {
	if m.Rows < 1 || m.Cols < 1 || len(m.Values) != m.Rows*m.Cols {
		return argError("Heatmap", "%d values for %d×%d cells, want Rows·Cols ≥ 1", len(m.Values), m.Rows, m.Cols)
	}
	if m.Min > m.Max {
		return argError("Heatmap", "range [%g, %g] has Min > Max", m.Min, m.Max)
	}
	if m.Cell < 0 {
		return argError("Heatmap", "cell size %d < 0", m.Cell)
	}
	if len(m.RowLabels) > m.Rows || len(m.ColLabels) > m.Cols {
		return argError("Heatmap", "%d row and %d column labels for %d×%d cells",
			len(m.RowLabels), len(m.ColLabels), m.Rows, m.Cols)
	}
	return nil
}

// color returns the colour of cell (i, j) for the colour range [lo, hi].
func (m Heatmap) color(i, j int, lo, hi float64) color.RGBA {
	return Sequential(normalize(m.Values[i*m.Cols+j], lo, hi))
}

// Image draws the PNG version: cell (i, j) fills the pixels
// [j·Cell, (j+1)·Cell) × [i·Cell, (i+1)·Cell). It returns an error if the
// values do not number Rows·Cols ≥ 1, Min > Max, or Cell < 0.
func (m Heatmap) Image() (*image.RGBA, error) {
	if err := m.valid(); err != nil {
		return nil, err
	}
	k := orDefault(m.Cell, defaultPNGCell)
	lo, hi := colorRange(m.Values, m.Min, m.Max)
	img := image.NewRGBA(image.Rect(0, 0, m.Cols*k, m.Rows*k))
	for i := range m.Rows {
		for j := range m.Cols {
			c := m.color(i, j, lo, hi)
			fill(img.SubImage(image.Rect(j*k, i*k, (j+1)*k, (i+1)*k)).(*image.RGBA), c)
		}
	}
	return img, nil
}

// EncodePNG writes the PNG version to w.
func (m Heatmap) EncodePNG(w io.Writer) error { return encodePNG(w, m.Image) }

// SavePNG writes the PNG version to a file, atomically; its error names path.
func (m Heatmap) SavePNG(path string) error { return save(path, m.EncodePNG) }

// EncodeSVG writes the labelled SVG version to w: one rect of class "cell"
// per matrix entry, with the value as hover text. It returns the same
// errors as Image, and one if there are more labels than rows or columns.
func (m Heatmap) EncodeSVG(w io.Writer) error {
	if err := m.valid(); err != nil {
		return err
	}
	k := float64(orDefault(m.Cell, defaultSVGCell))
	lo, hi := colorRange(m.Values, m.Min, m.Max)
	longest := 0
	for _, l := range m.RowLabels {
		longest = max(longest, len([]rune(l)))
	}
	left := 10 + float64(charWidth*longest)
	top := 12.0
	if m.Title != "" {
		top = titleSpace
	}
	gridW, gridH := k*float64(m.Cols), k*float64(m.Rows)
	barX := left + gridW + 16 // colour bar, 12 px wide, with labels right of it
	width := barX + 12 + 8 + float64(charWidth*max(len(fmt.Sprintf("%.4g", lo)), len(fmt.Sprintf("%.4g", hi)))) + 10
	width = max(width, float64(len([]rune(m.Title))*9+20)) // room for the title
	height := top + gridH + 30

	var s svgDoc
	s.begin(width, height)
	if m.Title != "" {
		s.text(width/2, 22, "middle", ` class="title" font-size="15" font-weight="bold"`, m.Title)
	}
	s.printf(`<g class="cells" shape-rendering="crispEdges">` + "\n")
	for i := range m.Rows {
		for j := range m.Cols {
			s.printf(`<rect class="cell" x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s</title></rect>`+"\n",
				num(left+k*float64(j)), num(top+k*float64(i)), num(k), num(k), hex(m.color(i, j, lo, hi)),
				escape(m.cellTitle(i, j)))
		}
	}
	s.printf("</g>\n")
	for i, l := range m.RowLabels {
		if l != "" {
			s.text(left-5, top+k*(float64(i)+0.5)+4, "end", ` class="row-label"`, l)
		}
	}
	for j, l := range m.ColLabels {
		if l != "" {
			s.text(left+k*(float64(j)+0.5), top+gridH+16, "middle", ` class="col-label"`, l)
		}
	}
	m.colorBar(&s, barX, top, gridH, lo, hi)
	return s.end(w)
}

// SaveSVG writes the SVG version to a file, atomically; its error names path.
func (m Heatmap) SaveSVG(path string) error { return save(path, m.EncodeSVG) }

// cellTitle is the hover text of a cell: "row 2, col 5: 0.25", with the
// labels in place of the numbers where there are labels.
func (m Heatmap) cellTitle(i, j int) string {
	row, col := fmt.Sprintf("row %d", i), fmt.Sprintf("col %d", j)
	if i < len(m.RowLabels) && m.RowLabels[i] != "" {
		row = m.RowLabels[i]
	}
	if j < len(m.ColLabels) && m.ColLabels[j] != "" {
		col = m.ColLabels[j]
	}
	return fmt.Sprintf("%s, %s: %.4g", row, col, m.Values[i*m.Cols+j])
}

// colorBar draws the Sequential ramp upward from lo to hi in 32 steps
// beside the cells, labelled at both ends.
func (m Heatmap) colorBar(s *svgDoc, x, top, h, lo, hi float64) {
	const steps = 32
	s.printf(`<g class="colorbar" shape-rendering="crispEdges">` + "\n")
	for i := range steps {
		y := top + h*float64(steps-1-i)/steps
		s.printf(`<rect x="%s" y="%s" width="12" height="%s" fill="%s"/>`+"\n",
			num(x), num(y), num(h/steps+0.5), hex(Sequential((float64(i)+0.5)/steps)))
	}
	s.printf("</g>\n")
	s.text(x+18, top+10, "start", ` class="colorbar-label"`, fmt.Sprintf("%.4g", hi))
	s.text(x+18, top+h, "start", ` class="colorbar-label"`, fmt.Sprintf("%.4g", lo))
}
