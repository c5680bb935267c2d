package plot

import (
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"sort"
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
// and there is no text. As SVG the cells are Cell pixels wide (0 means 12)
// and the picture is meant to be read on its own: the title, the row
// labels and YLabel on the left, the x axis below with XLabel, and a colour
// key with round ticks and ValueLabel on the right. The x axis is ColValues
// if given (a value per column, increasing, such as the training step of
// each evaluation: round ticks are placed among the columns), else
// ColLabels (a label per column; an empty one is skipped).
type Heatmap struct {
	Rows, Cols           int
	Values               []float64
	Min, Max             float64
	Cell                 int
	Title                string
	XLabel, YLabel       string
	ValueLabel           string    // what the colour means: "share of the samples"
	RowLabels, ColLabels []string  // either may be nil
	ColValues            []float64 // nil, or one increasing value per column
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
	if m.ColValues != nil {
		if len(m.ColValues) != m.Cols {
			return argError("Heatmap", "%d column values for %d columns", len(m.ColValues), m.Cols)
		}
		for j, v := range m.ColValues {
			if !isFinite(v) || (j > 0 && !(v > m.ColValues[j-1])) {
				return argError("Heatmap", "column values %v are not finite and increasing", m.ColValues)
			}
		}
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
// per matrix entry, with the value as hover text, and the axes and colour
// key around them. It returns the same errors as Image, and one if there
// are more labels than rows or columns or the column values are not
// finite and increasing.
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
	if m.YLabel != "" {
		left += 22
	}
	top := 12.0
	if m.Title != "" {
		top = titleSpace
	}
	gridW, gridH := k*float64(m.Cols), k*float64(m.Rows)
	keyX := left + gridW + 16
	width := keyX + colorKeyWidth(lo, hi, gridH, m.ValueLabel) + 10
	width = max(width, float64(len([]rune(m.Title))*8+20)) // room for the title
	height := top + gridH + xLabelSpace

	var s svgDoc
	s.begin(width, height)
	s.printf(`<g class="cells" shape-rendering="crispEdges">` + "\n")
	for i := range m.Rows {
		for j := range m.Cols {
			s.printf(`<rect class="cell" x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s</title></rect>`+"\n",
				num(left+k*float64(j)), num(top+k*float64(i)), num(k), num(k), hex(m.color(i, j, lo, hi)),
				escape(m.cellTitle(i, j)))
		}
	}
	s.printf("</g>\n")
	s.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="none" stroke="#444"/>`+"\n", num(left), num(top), num(gridW), num(gridH))
	for i, l := range m.RowLabels {
		if l != "" {
			s.text(left-5, top+k*(float64(i)+0.5)+4, "end", ` class="row-label"`, l)
		}
	}
	bottom := top + gridH
	for _, t := range m.colTicks(k) {
		x := left + t.x
		s.line(x, bottom, x, bottom+4, ` stroke="#444"`)
		s.text(x, bottom+17, "middle", ` class="col-label"`, t.label)
	}
	f := frame{width: width, height: height, left: left, right: left + gridW, top: top, bottom: bottom}
	f.drawLabels(&s, m.Title, m.XLabel, m.YLabel)
	colorKey(&s, func(t float64) string { return hex(Sequential(t)) }, keyX, top, bottom, lo, hi, m.ValueLabel)
	return s.end(w)
}

// colTick is a label under the cells, x pixels right of their left edge.
type colTick struct {
	x     float64
	label string
}

// colTicks places the x axis's labels: round values among ColValues,
// interpolated between the centres of the columns around them, or the
// ColLabels under their columns.
func (m Heatmap) colTicks(k float64) []colTick {
	var out []colTick
	if m.ColValues == nil {
		for j, l := range m.ColLabels {
			if l != "" {
				out = append(out, colTick{k * (float64(j) + 0.5), l})
			}
		}
		return out
	}
	v := m.ColValues
	if len(v) == 1 {
		return []colTick{{k / 2, tickLabel(v[0], math.Max(math.Abs(v[0]), 1))}}
	}
	a := linearAxis(v[0], v[len(v)-1], true, max(int(k*float64(m.Cols)/70), 3))
	for i, t := range a.ticks {
		j := sort.SearchFloat64s(v, t) // v[j-1] < t ≤ v[j]
		pos := float64(j)
		if j > 0 && j < len(v) {
			pos = float64(j-1) + (t-v[j-1])/(v[j]-v[j-1])
		}
		out = append(out, colTick{k * (pos + 0.5), a.labels[i]})
	}
	return out
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
