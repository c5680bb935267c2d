package plot

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"strings"
)

// AttentionMaps is an SVG of images with attention maps laid over them, as
// SAGAN's figures show them (Zhang et al., arXiv 1805.08318, Fig. 1, 5):
// for one query position q of a self-attention layer, the weights β_{q,i}
// with which q draws on every position i of the layer's feature map. A
// feature map is coarser than the image (a 4×4 map of a 16×16 image, each
// position standing for a 4×4 block of pixels), so each panel divides its
// image into the map's cells and tints cell i orange with opacity β_{q,i}.
// The query's cell is outlined in blue. Where cells are large enough, the
// weight is written in the cell, in percent (the weights of one query sum
// to 100 %).
type AttentionMaps struct {
	Title  string
	Panels []AttentionPanel
	Cols   int // panels per row; 0 means up to 4
	Scale  int // screen pixels per image pixel; 0 means 8
}

// AttentionPanel is one image and one query's attention weights over it.
type AttentionPanel struct {
	Title   string    // above the image; "\n" breaks it into lines
	Image   ImageGrid // exactly one image (Shape (1, h, w), (1, 1, h, w) or (1, 3, h, w)); its Scale and Border are ignored
	Weights []float64 // β_{q,·}, Rows × Cols values in row-major order, each in [0, 1]
	Rows    int       // the feature map's height: it divides the image's height
	Cols    int       // the feature map's width: it divides the image's width
	Query   int       // the query's position in Weights (row·Cols + column)
}

// Layout of the panels, in screen pixels.
const (
	attnLine    = 15 // a line of a panel's title, above its image
	attnGap     = 14 // between panels
	attnLegend  = 34 // the explanation under the panels
	attnMinText = 24 // the smallest cell that gets its weight written in it
)

var (
	attnColor = "#e66101" // the tint of a weight
	attnQuery = "#2166ac" // the outline of the query
)

// Encode writes the panels to w as SVG. It returns an error if there is no
// panel, Cols or Scale is negative, or a panel's image is not one image
// (see ImageGrid.Image), its map does not divide the image, a weight is
// outside [0, 1] or the query is outside the map.
func (a AttentionMaps) Encode(w io.Writer) error {
	if len(a.Panels) == 0 {
		return argError("AttentionMaps", "no panel")
	}
	if a.Cols < 0 || a.Scale < 0 {
		return argError("AttentionMaps", "Cols %d, Scale %d, want ≥ 0", a.Cols, a.Scale)
	}
	scale := orDefault(a.Scale, 8)
	cols := a.Cols
	if cols == 0 {
		cols = 4
	}
	cols = min(cols, len(a.Panels))
	rows := (len(a.Panels) + cols - 1) / cols

	type drawn struct {
		raster []byte
		w, h   float64 // the image on screen
	}
	panels := make([]drawn, len(a.Panels))
	cellW, cellH := 0.0, 0.0
	for k, p := range a.Panels {
		img, err := p.image(k, scale)
		if err != nil {
			return err
		}
		var raster bytes.Buffer
		if err := png.Encode(&raster, img); err != nil {
			return err
		}
		panels[k] = drawn{raster.Bytes(), float64(img.Rect.Dx()), float64(img.Rect.Dy())}
		cellW = math.Max(cellW, panels[k].w)
		cellH = math.Max(cellH, panels[k].h)
	}
	titleLines, longestLine := 1, 0
	for _, p := range a.Panels {
		lines := strings.Split(p.Title, "\n")
		titleLines = max(titleLines, len(lines))
		for _, l := range lines {
			longestLine = max(longestLine, len([]rune(l)))
		}
	}
	cellW = math.Max(cellW, float64(longestLine)*charWidth)
	titleH := float64(titleLines*attnLine + 4)
	width := math.Max(float64(cols)*(cellW+attnGap)+attnGap, float64(len([]rune(a.Title)))*8+2*attnGap)
	width = math.Max(width, 600)
	top := float64(titleSpace)
	height := top + float64(rows)*(titleH+cellH+attnGap) + attnLegend

	var doc svgDoc
	doc.begin(width, height)
	doc.text(width/2, 20, "middle", ` class="title" font-size="14"`, a.Title)
	left := (width - float64(cols)*(cellW+attnGap) + attnGap) / 2
	for k, p := range a.Panels {
		d := panels[k]
		x := left + float64(k%cols)*(cellW+attnGap)
		y := top + float64(k/cols)*(titleH+cellH+attnGap)
		for i, l := range strings.Split(p.Title, "\n") {
			doc.text(x+cellW/2, y+float64((i+1)*attnLine)-3, "middle", ` class="panel-title"`, l)
		}
		y += titleH
		x += (cellW - d.w) / 2
		doc.printf(`<image x="%s" y="%s" width="%s" height="%s" preserveAspectRatio="none" style="image-rendering:pixelated" href="data:image/png;base64,%s"/>`+"\n",
			num(x), num(y), num(d.w), num(d.h), base64.StdEncoding.EncodeToString(d.raster))
		cw, ch := d.w/float64(p.Cols), d.h/float64(p.Rows)
		for i, b := range p.Weights {
			cx, cy := x+float64(i%p.Cols)*cw, y+float64(i/p.Cols)*ch
			doc.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s" fill-opacity="%s"/>`+"\n",
				num(cx), num(cy), num(cw), num(ch), attnColor, num(0.85*b))
			if cw >= attnMinText && ch >= attnMinText {
				doc.text(cx+cw/2, cy+ch/2+4, "middle", ` font-size="10" fill="white" stroke="black" stroke-width="2.2" paint-order="stroke"`,
					fmt.Sprintf("%.0f", 100*b))
			}
		}
		qx, qy := x+float64(p.Query%p.Cols)*cw, y+float64(p.Query/p.Cols)*ch
		doc.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="none" stroke="%s" stroke-width="3"/>`+"\n",
			num(qx+1.5), num(qy+1.5), num(cw-3), num(ch-3), attnQuery)
	}
	ly := height - attnLegend + 14
	doc.text(width/2, ly, "middle", ` class="legend"`,
		"blue box: the query position; orange, and the number in each cell: its attention weight β, in %")
	return doc.end(w)
}

// image checks panel k and draws its image, scale screen pixels per image
// pixel.
func (p AttentionPanel) image(k int, scale int) (*image.RGBA, error) {
	g := p.Image
	g.Scale, g.Border, g.Cols = scale, 0, 1
	n, _, h, w, err := g.dims()
	if err != nil {
		return nil, err
	}
	if n != 1 {
		return nil, argError("AttentionMaps", "panel %d holds %d images, want 1", k, n)
	}
	if p.Rows < 1 || p.Cols < 1 || h%p.Rows != 0 || w%p.Cols != 0 {
		return nil, argError("AttentionMaps", "panel %d: a %d×%d map over a %d×%d image, want a map that divides the image", k, p.Rows, p.Cols, h, w)
	}
	if len(p.Weights) != p.Rows*p.Cols {
		return nil, argError("AttentionMaps", "panel %d: %d weights for a %d×%d map", k, len(p.Weights), p.Rows, p.Cols)
	}
	for i, b := range p.Weights {
		if !(b >= 0 && b <= 1) {
			return nil, argError("AttentionMaps", "panel %d: weight %d is %v, want a value in [0, 1]", k, i, b)
		}
	}
	if p.Query < 0 || p.Query >= len(p.Weights) {
		return nil, argError("AttentionMaps", "panel %d: query %d outside the %d positions", k, p.Query, len(p.Weights))
	}
	return g.Image()
}

// Save writes the SVG to path.
func (a AttentionMaps) Save(path string) error { return save(path, a.Encode) }
