package plot

import (
	"bytes"
	"encoding/xml"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// node is an element of a parsed SVG document.
type node struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Text     string     `xml:",chardata"`
	Children []node     `xml:",any"`
}

// parseSVG parses an SVG document strictly, failing the test if it is not
// well-formed XML with an <svg> root in the SVG namespace.
func parseSVG(t *testing.T, data []byte) node {
	t.Helper()
	var root node
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	require.NoError(t, dec.Decode(&root), "SVG is not well-formed:\n%s", data)
	require.Equal(t, "svg", root.XMLName.Local)
	require.Equal(t, "http://www.w3.org/2000/svg", root.XMLName.Space)
	return root
}

func (n node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// num reads a numeric attribute, failing the test if it is not a number.
func (n node) num(t *testing.T, name string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(n.attr(name), 64)
	require.NoError(t, err, "attribute %s of <%s>", name, n.XMLName.Local)
	return v
}

// hasClasses says whether n's class attribute holds every class named in
// the space-separated list classes.
func (n node) hasClasses(classes string) bool {
	have := strings.Fields(n.attr("class"))
	for _, want := range strings.Fields(classes) {
		if !slices.Contains(have, want) {
			return false
		}
	}
	return true
}

// all returns, in document order, the elements below n (and n itself)
// with the given name and every class in classes ("" for any class).
func (n node) all(name, classes string) []node {
	var found []node
	if n.XMLName.Local == name && n.hasClasses(classes) {
		found = append(found, n)
	}
	for _, c := range n.Children {
		found = append(found, c.all(name, classes)...)
	}
	return found
}

// texts returns the text content of the <text> elements with the classes.
func (n node) texts(classes string) []string {
	var s []string
	for _, e := range n.all("text", classes) {
		s = append(s, e.Text)
	}
	return s
}

// plotArea returns the frame of the plot area, the first rect in the axes
// group: left, top, right, bottom in pixels.
func plotArea(t *testing.T, root node) (left, top, right, bottom float64) {
	t.Helper()
	axes := root.all("g", "axes")
	require.Len(t, axes, 1)
	rects := axes[0].all("rect", "")
	require.Len(t, rects, 1)
	r := rects[0]
	left, top = r.num(t, "x"), r.num(t, "y")
	return left, top, left + r.num(t, "width"), top + r.num(t, "height")
}

func encodeSVG(t *testing.T, encode func(w *bytes.Buffer) error) node {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, encode(&buf))
	return parseSVG(t, buf.Bytes())
}

func TestNum(t *testing.T) {
	tests := []struct {
		v    float64
		want string
	}{
		{0, "0"}, {1, "1"}, {1.5, "1.5"}, {1.005, "1"}, {2.126, "2.13"}, {-0.001, "0"}, {-3.1, "-3.1"}, {100, "100"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			require.Equal(t, tt.want, num(tt.v))
		})
	}
}

func TestEscape(t *testing.T) {
	require.Equal(t, "a &lt; b &amp;&amp; c &gt; &quot;d&quot; &apos;e&apos;", escape(`a < b && c > "d" 'e'`))
}
