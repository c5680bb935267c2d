package plot

import (
	"bytes"
	"encoding/base64"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A 2 × 3 grid: six panels in row-major order, each embedded as its own
// image, with the row and column labels and one legend.
func TestScatterGridLayout(t *testing.T) {
	var panels []Scatter
	for i := range 6 {
		panels = append(panels, Scatter{Window: Window{-1, 1, -1, 1}, Width: 20, Height: 10,
			Layers: []Dots{Real([]Point{{0, 0}}), Generated([]Point{{float64(i)/6 - 0.5, 0.5}})}})
	}
	g := ScatterGrid{Title: "hops", XLabel: "x₁", YLabel: "x₂", Rows: 2, Cols: 3,
		RowLabels: []string{"K = 0", "K = 10"}, ColLabels: []string{"100", "200", "300"}, Panels: panels}
	var b bytes.Buffer
	require.NoError(t, g.Encode(&b))
	svg := b.String()
	images := regexp.MustCompile(`<image class="panel" x="([0-9.]+)" y="([0-9.]+)" width="20" height="10" preserveAspectRatio="none" href="data:image/png;base64,([^"]+)"`).FindAllStringSubmatch(svg, -1)
	require.Len(t, images, 6)
	// Columns 28 px apart (20 + 8), rows 18 px apart (10 + 8).
	assert.Equal(t, []string{images[0][1], images[1][1], images[2][1]}, []string{images[3][1], images[4][1], images[5][1]})
	assert.Equal(t, images[0][2], images[2][2])
	assert.NotEqual(t, images[0][2], images[3][2])
	// Each panel is that panel's picture, pixel for pixel.
	for i, m := range images {
		raw, err := base64.StdEncoding.DecodeString(m[3])
		require.NoError(t, err)
		want, err := panels[i].Image()
		require.NoError(t, err)
		got := decodePNG(t, raw)
		require.Equal(t, want.Bounds(), got.Bounds())
		for y := range 10 {
			for x := range 20 {
				require.Equal(t, want.RGBAAt(x, y), rgbaAt(got, x, y), "panel %d pixel (%d, %d)", i, x, y)
			}
		}
	}
	for _, s := range []string{">hops<", ">K = 0<", ">K = 10<", ">100<", ">300<", ">real samples<", ">generated samples<",
		"every panel: x₁ from -1 to 1, x₂ from -1 to 1"} {
		assert.Contains(t, svg, s)
	}
	assert.Equal(t, 1, strings.Count(svg, ">real samples<"), "one legend for the grid")
}

func TestScatterGridErrors(t *testing.T) {
	p := Scatter{Window: Window{0, 1, 0, 1}}
	for _, tc := range []struct {
		g   ScatterGrid
		msg string
	}{
		{ScatterGrid{Rows: 2, Cols: 2, Panels: []Scatter{p, p, p}}, "plot: ScatterGrid: 3 panels for 2 rows × 2 columns"},
		{ScatterGrid{Rows: 1, Cols: 2, Panels: []Scatter{p, p}, ColLabels: []string{"a"}}, "plot: ScatterGrid: 0 row labels and 1 column labels for 1 × 2 panels"},
		{ScatterGrid{Rows: 1, Cols: 1, Panels: []Scatter{{Window: Window{1, 0, 0, 1}}}}, "panel 0: plot: Scatter: "},
	} {
		err := tc.g.Encode(&bytes.Buffer{})
		require.Error(t, err)
		assert.True(t, strings.HasPrefix(err.Error(), tc.msg), err.Error())
	}
}
