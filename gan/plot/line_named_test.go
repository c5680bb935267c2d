package plot

import (
	"image/color"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLineNamed(t *testing.T) {
	l := Line{Name: "modes", Points: []Point{{1, 2}, {3, 4}}, Color: color.RGBA{R: 9, A: 255}, Markers: true}
	got := l.Named("WGAN-GP")
	assert.Equal(t, Line{Name: "WGAN-GP", Points: []Point{{1, 2}, {3, 4}}, Color: color.RGBA{R: 9, A: 255}, Markers: true}, got)
	assert.Equal(t, "modes", l.Name, "the original keeps its name")
}
