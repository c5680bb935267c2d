package plot

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"strings"
)

// VectorField is an SVG phase portrait: a vector field v(x, y) drawn as
// arrows at the centres of an NX × NY grid over the Window, and
// trajectories drawn over them as lines, each with an open circle at its
// first point and a filled dot at its last. It is the picture of a
// two-parameter game such as the Dirac-GAN (chapter 02): the field is the
// direction in which gradient steps push the two players' parameters, the
// trajectories are where the steps actually went.
//
// Each arrow starts at its cell's centre and points along v there; its
// length is |v| over the largest |v| on the grid, times 0.85 of the cell's
// side, so that arrows compare magnitudes and never overlap. Arrows where
// v is 0, NaN or infinite are left out. The plot area is square (Size
// pixels on each side, 400 if 0) and the window is drawn with its own
// scales on each axis, so use a square Window for a field whose angles
// matter. Trajectory points outside the window are clipped; a NaN or
// infinite point breaks its line, as in LineChart. A trajectory with a
// zero Color gets SeriesColor(i); the named ones are listed in the legend
// below the axes.
type VectorField struct {
	Window
	Title, XLabel, YLabel string
	Size                  int // side of the plot area in pixels; 0 means 400
	NX, NY                int // arrows per row and per column; 0 means 17
	// V is the field; it is called once at each grid point.
	V            func(x, y float64) (vx, vy float64)
	Trajectories []Line
}

const defaultArrows = 17

// Encode writes the portrait to w as SVG. It returns an error if the
// window is empty or not finite, a size is negative, or V is nil.
func (f VectorField) Encode(w io.Writer) error {
	if err := f.Window.valid("VectorField"); err != nil {
		return err
	}
	if f.Size < 0 || f.NX < 0 || f.NY < 0 {
		return argError("VectorField", "size %d, grid %d×%d: negative", f.Size, f.NX, f.NY)
	}
	if f.V == nil {
		return argError("VectorField", "no field V")
	}
	side := float64(orDefault(f.Size, defaultSide))
	nx, ny := orDefault(f.NX, defaultArrows), orDefault(f.NY, defaultArrows)

	x := linearAxis(f.XMin, f.XMax, true, max(int(side/70), 3))
	y := linearAxis(f.YMin, f.YMax, true, max(int(side/60), 3))
	// Lay the frame out for a width that leaves exactly side pixels
	// between the y labels and the right margin.
	probe := newFrame(side+200, side, x, y)
	width := probe.left + side + rightSpace
	items := f.legend()
	rows := legendRows(items, width-40)
	legendH := legendHeight(rows)
	fr := newFrame(width, titleSpace+side+xLabelSpace+legendH, x, y)
	fr.bottom = fr.top + side
	fr.y.from, fr.y.to = fr.bottom, fr.top
	fr.right = fr.left + side
	fr.x.from, fr.x.to = fr.left, fr.right

	var s svgDoc
	s.begin(fr.width, fr.height)
	fr.drawAxes(&s, f.Title, f.XLabel, f.YLabel)
	fr.clip(&s, "field-area")
	s.printf(`<g clip-path="url(#field-area)">` + "\n")
	f.drawArrows(&s, fr, nx, ny)
	for i, l := range f.Trajectories {
		f.drawTrajectory(&s, fr, l, f.lineColor(i))
	}
	s.printf("</g>\n")
	drawLegend(&s, rows, (fr.left+fr.right)/2, fr.bottom+xLabelSpace-6)
	return s.end(w)
}

// Save writes the portrait as an SVG file, atomically; its error names path.
func (f VectorField) Save(path string) error { return save(path, f.Encode) }

func (f VectorField) lineColor(i int) string {
	if c := f.Trajectories[i].Color; c != (color.RGBA{}) {
		return hex(c)
	}
	return hex(SeriesColor(i))
}

// drawArrows draws the field at the cell centres of Window.Grid(nx, ny).
func (f VectorField) drawArrows(s *svgDoc, fr frame, nx, ny int) {
	grid := f.Window.Grid(nx, ny)
	vx, vy := make([]float64, len(grid)), make([]float64, len(grid))
	longest := 0.0
	for k, p := range grid {
		vx[k], vy[k] = f.V(p.X, p.Y)
		if n := math.Hypot(vx[k], vy[k]); isFinite(n) {
			longest = math.Max(longest, n)
		}
	}
	if longest == 0 {
		return
	}
	// The arrow is drawn in pixels: data units scale differently on the two
	// axes of a window that is not square.
	sx := (fr.right - fr.left) / (f.XMax - f.XMin)
	sy := (fr.bottom - fr.top) / (f.YMax - f.YMin)
	cell := math.Min((fr.right-fr.left)/float64(nx), (fr.bottom-fr.top)/float64(ny))
	s.printf(`<g class="arrows" stroke="#8a8a8a" fill="#8a8a8a" stroke-width="1">` + "\n")
	for k, p := range grid {
		n := math.Hypot(vx[k], vy[k])
		if !isFinite(n) || n == 0 {
			continue
		}
		dx, dy := vx[k]*sx, -vy[k]*sy // pixels, y downward
		length := 0.85 * cell * n / longest
		norm := math.Hypot(dx, dy)
		dx, dy = dx/norm*length, dy/norm*length
		x0, y0 := fr.x.pos(p.X), fr.y.pos(p.Y)
		x1, y1 := x0+dx, y0+dy
		s.line(x0, y0, x1, y1, ` class="arrow"`)
		// The head: a small triangle at (x1, y1), at most a third of the arrow.
		head := math.Min(4, length/3)
		ux, uy := dx/length, dy/length
		s.printf(`<polygon class="head" points="%s,%s %s,%s %s,%s"/>`+"\n",
			num(x1), num(y1),
			num(x1-head*ux+head*0.5*uy), num(y1-head*uy-head*0.5*ux),
			num(x1-head*ux-head*0.5*uy), num(y1-head*uy+head*0.5*ux))
	}
	s.printf("</g>\n")
}

// drawTrajectory draws each unbroken run of finite points as a polyline,
// an open circle at the first point and a filled dot at the last.
func (f VectorField) drawTrajectory(s *svgDoc, fr frame, l Line, col string) {
	s.printf(`<g class="trajectory" stroke="%s" fill="%s">`+"\n", col, col)
	var pts strings.Builder
	var first, last *Point
	flush := func() {
		if pts.Len() > 0 {
			s.printf(`<polyline class="line" fill="none" stroke-width="1.6" stroke-linejoin="round" points="%s"/>`+"\n", pts.String())
			pts.Reset()
		}
	}
	for i := range l.Points {
		p := l.Points[i]
		if !isFinite(p.X) || !isFinite(p.Y) {
			flush()
			continue
		}
		if first == nil {
			first = &l.Points[i]
		}
		last = &l.Points[i]
		if pts.Len() > 0 {
			pts.WriteByte(' ')
		}
		fmt.Fprintf(&pts, "%s,%s", num(fr.x.pos(p.X)), num(fr.y.pos(p.Y)))
	}
	flush()
	if first != nil {
		s.printf(`<circle class="start" cx="%s" cy="%s" r="4" fill="white" stroke-width="1.6"/>`+"\n", num(fr.x.pos(first.X)), num(fr.y.pos(first.Y)))
		s.printf(`<circle class="end" cx="%s" cy="%s" r="3.5"/>`+"\n", num(fr.x.pos(last.X)), num(fr.y.pos(last.Y)))
	}
	s.printf("</g>\n")
}

// legend lists the named trajectories, and what the marks mean.
func (f VectorField) legend() []legendItem {
	var items []legendItem
	for i, l := range f.Trajectories {
		if l.Name == "" {
			continue
		}
		col := f.lineColor(i)
		items = append(items, legendItem{label: l.Name, mark: func(s *svgDoc, x, y float64) {
			s.line(x-legendMark/2, y, x+legendMark/2, y, ` stroke="`+col+`" stroke-width="2"`)
		}})
	}
	if len(items) > 0 {
		items = append(items,
			legendItem{label: "start", mark: func(s *svgDoc, x, y float64) {
				s.printf(`<circle cx="%s" cy="%s" r="4" fill="white" stroke="#444" stroke-width="1.6"/>`+"\n", num(x), num(y))
			}},
			legendItem{label: "end", mark: func(s *svgDoc, x, y float64) {
				s.printf(`<circle cx="%s" cy="%s" r="3.5" fill="#444"/>`+"\n", num(x), num(y))
			}})
	}
	return items
}
