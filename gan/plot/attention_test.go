package plot

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// attentionPanel is an 8×8 image under a 2×2 map whose query, the
// bottom-right cell, puts 80 % of its weight on the top-left cell.
func attentionPanel() AttentionPanel {
	pixels := make([]float64, 64)
	for i := range pixels {
		pixels[i] = -1
	}
	pixels[0] = 1
	return AttentionPanel{
		Title:   "query: bottom right",
		Image:   ImageGrid{Pixels: pixels, Shape: []int{1, 1, 8, 8}, Lo: -1, Hi: 1},
		Weights: []float64{0.8, 0.05, 0.05, 0.1},
		Rows:    2, Cols: 2, Query: 3,
	}
}

func TestAttentionMaps(t *testing.T) {
	a := AttentionMaps{Title: "D's attention", Panels: []AttentionPanel{attentionPanel(), attentionPanel()}, Scale: 4}
	var b bytes.Buffer
	require.NoError(t, a.Encode(&b))
	svg := b.String()
	assert.True(t, strings.HasPrefix(svg, "<svg"))
	assert.Contains(t, svg, "D&apos;s attention")
	assert.Equal(t, 2, strings.Count(svg, "query: bottom right"))
	assert.Equal(t, 2, strings.Count(svg, "<image "))
	// Every weight is a tinted cell whose opacity grows with it; the cells
	// are 16 pixels wide at scale 4, too small for the numbers.
	assert.Equal(t, 2, strings.Count(svg, `fill-opacity="0.68"`), "0.85 × 0.8")
	assert.Equal(t, 2, strings.Count(svg, `stroke="#2166ac"`), "one query box per panel")
	assert.NotContains(t, svg, ">80<")
	// At scale 8 the cells are 32 pixels: each weight is written in %.
	a.Scale = 8
	b.Reset()
	require.NoError(t, a.Encode(&b))
	assert.Equal(t, 2, strings.Count(b.String(), ">80<"))
	assert.Equal(t, 2, strings.Count(b.String(), ">10<"))
}

func TestAttentionMapsRejects(t *testing.T) {
	for name, change := range map[string]func(p *AttentionPanel){
		"a map that does not divide the image": func(p *AttentionPanel) { p.Rows = 3 },
		"too few weights":                      func(p *AttentionPanel) { p.Weights = p.Weights[:3] },
		"a weight above 1":                     func(p *AttentionPanel) { p.Weights[1] = 1.5 },
		"a NaN weight":                         func(p *AttentionPanel) { p.Weights[2] = math.NaN() },
		"a query outside the map":              func(p *AttentionPanel) { p.Query = 4 },
		"two images":                           func(p *AttentionPanel) { p.Image.Shape = []int{2, 1, 4, 8} },
	} {
		p := attentionPanel()
		change(&p)
		var b bytes.Buffer
		assert.Error(t, AttentionMaps{Panels: []AttentionPanel{p}}.Encode(&b), name)
	}
	var b bytes.Buffer
	assert.Error(t, AttentionMaps{}.Encode(&b), "no panel")
	assert.Error(t, AttentionMaps{Panels: []AttentionPanel{attentionPanel()}, Cols: -1}.Encode(&b))
}
