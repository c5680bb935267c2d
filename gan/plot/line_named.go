package plot

// Named returns a copy of the line called name, its points and style
// unchanged: the label a chart's legend shows for it, e.g.
//
//	history.Get("modes").Line().Named("WGAN-GP")
//
// for a series recorded under one name and drawn under another.
func (l Line) Named(name string) Line {
	l.Name = name
	return l
}
