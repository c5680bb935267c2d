package metrics

import (
	"math"
	"slices"

	"ganbook/tensor"
)

// W1Exact returns the exact Wasserstein-1 (earth mover's) distance between
// two sets of n points in d dimensions, a and b of shape (n, d), each point
// carrying weight 1/n, with the Euclidean ground cost:
//
//	W₁ = (1/n) · min over permutations σ of Σᵢ ‖aᵢ − b_σ(i)‖.
//
// With equal uniform weights an optimal transport plan can be taken to be a
// permutation (the extreme points of the set of doubly stochastic matrices
// are permutation matrices), so this is the optimal value of the assignment
// problem, solved exactly by the Hungarian algorithm in O(n³) time and
// O(n²) memory; n = 512 takes a fraction of a second.
//
// The result is NaN if a coordinate is NaN or ±Inf or a distance overflows.
// It panics with tensor.ErrShape if a or b is not 2-D or their shapes
// differ, and with tensor.ErrArgument if n = 0.
func W1Exact(a, b *tensor.Tensor) float64 {
	cost, n := distanceMatrix("W1Exact", a, b)
	if !allFinite(cost) {
		return math.NaN()
	}
	colOf := minCostAssignment(cost, n)
	total := 0.0
	for i, j := range colOf {
		total += cost[i*n+j]
	}
	return total / float64(n)
}

// Assignment returns an optimal matching of W1Exact: a permutation σ with
// σ[i] the row of b paired with row i of a, minimising Σᵢ ‖aᵢ − b_σ(i)‖.
// When several matchings are optimal, which one is returned is fixed by the
// inputs but otherwise unspecified. It panics like W1Exact, and also with
// tensor.ErrArgument if a coordinate is not finite.
func Assignment(a, b *tensor.Tensor) []int {
	cost, n := distanceMatrix("Assignment", a, b)
	if !allFinite(cost) {
		panicf(tensor.ErrArgument, "Assignment", "a coordinate or a distance is not finite")
	}
	return minCostAssignment(cost, n)
}

// distanceMatrix checks that a and b are (n, d) point sets of one shape and
// returns n and the n×n matrix of distances ‖aᵢ − bⱼ‖, row-major.
func distanceMatrix(op string, a, b *tensor.Tensor) ([]float64, int) {
	if a.Dims() != 2 || !tensor.SameShape(a, b) {
		panicf(tensor.ErrShape, op, "%s vs %s, want two (n, d) point sets of one shape",
			tensor.FormatShape(a.Shape()), tensor.FormatShape(b.Shape()))
	}
	n, d := a.Dim(0), a.Dim(1)
	if n == 0 {
		panicf(tensor.ErrArgument, op, "no points")
	}
	x, y := a.Data(), b.Data()
	cost := make([]float64, n*n)
	for i := range n {
		ai := x[i*d : (i+1)*d]
		for j := range n {
			bj := y[j*d : (j+1)*d]
			squared := 0.0
			for k := range ai {
				diff := ai[k] - bj[k]
				squared += diff * diff
			}
			cost[i*n+j] = math.Sqrt(squared)
		}
	}
	return cost, n
}

func allFinite(values []float64) bool {
	for _, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// minCostAssignment solves the assignment problem for the n×n matrix of
// finite costs stored row-major in cost: it returns a permutation colOf
// that minimises Σᵢ cost[i][colOf[i]].
//
// This is the Hungarian algorithm (Kuhn 1955, Munkres 1957) in the
// shortest-augmenting-path form with dual potentials (Tomizawa 1971,
// Edmonds and Karp 1972) that Jonker and Volgenant (1987) build on, without
// their initialisation heuristics. The matching grows by one row at a time. Potentials u for
// rows and v for columns keep every reduced cost cost[i][j] − u[i] − v[j]
// non-negative, and zero on matched pairs. To add row r, a Dijkstra search
// over reduced costs grows a tree of columns from r: through a matched
// column the path continues along its row, until it reaches a free column.
// Flipping the matched and unmatched pairs along that path adds r to the
// matching at the least extra cost. Each search takes O(n²) steps.
func minCostAssignment(cost []float64, n int) []int {
	inf := math.Inf(1)
	// Column n is virtual: during the search for row r it is "matched" to r,
	// so the search starts from it like from any other matched column.
	rowPot := make([]float64, n)
	colPot := make([]float64, n+1)
	rowOf := make([]int, n+1)     // rowOf[j]: the row matched to column j, or −1
	prev := make([]int, n+1)      // prev[j]: the column before j on the best path to j so far
	slack := make([]float64, n+1) // slack[j]: the reduced length of that path
	inTree := make([]bool, n+1)   // inTree[j]: the shortest path to column j is known
	for j := range rowOf {
		rowOf[j] = -1
	}

	for r := range n {
		rowOf[n] = r
		for j := range slack {
			slack[j], inTree[j] = inf, false
		}
		col := n
		for rowOf[col] != -1 {
			inTree[col] = true
			i := rowOf[col]
			row, u := cost[i*n:(i+1)*n], rowPot[i]
			// Relax the edges from row i, and find the closest column
			// outside the tree. (Reslicing to len(row) lets the compiler
			// drop the bounds checks in this O(n³) loop.)
			v, s, p, done := colPot[:len(row)], slack[:len(row)], prev[:len(row)], inTree[:len(row)]
			delta, next := inf, -1
			for j, c := range row {
				if done[j] {
					continue
				}
				if reduced := c - u - v[j]; reduced < s[j] {
					s[j], p[j] = reduced, col
				}
				if s[j] < delta {
					delta, next = s[j], j
				}
			}
			// Shift the potentials by delta: tree edges stay tight, the
			// reduced costs from tree rows to other columns drop by delta,
			// and the edge into next becomes tight.
			for j := range inTree {
				if inTree[j] {
					rowPot[rowOf[j]] += delta
					colPot[j] -= delta
				} else {
					slack[j] -= delta
				}
			}
			col = next
		}
		// col is free: walk back to the virtual column, moving each row on
		// the path to the column after it.
		for col != n {
			p := prev[col]
			rowOf[col] = rowOf[p]
			col = p
		}
	}

	colOf := make([]int, n)
	for j, i := range rowOf[:n] {
		colOf[i] = j
	}
	return colOf
}

// W1Sorted1D returns the exact Wasserstein-1 distance between two 1-D
// samples of the same size n, each value with weight 1/n:
//
//	W₁ = (1/n) · Σᵢ |a₍ᵢ₎ − b₍ᵢ₎|,
//
// where a₍ᵢ₎ is the i-th smallest value: on the line, the optimal matching
// pairs the sorted values in order. The inputs are not modified. A NaN input
// gives NaN. It panics with tensor.ErrShape if the lengths differ and with
// tensor.ErrArgument if they are 0.
func W1Sorted1D(a, b []float64) float64 {
	if len(a) != len(b) {
		panicf(tensor.ErrShape, "W1Sorted1D", "%d vs %d values", len(a), len(b))
	}
	if len(a) == 0 {
		panicf(tensor.ErrArgument, "W1Sorted1D", "no values")
	}
	as, bs := slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b))
	total := 0.0
	for i := range as {
		total += math.Abs(as[i] - bs[i])
	}
	return total / float64(len(as))
}

// W1Between1D returns the exact Wasserstein-1 distance between two 1-D
// samples of any sizes n and m, weights 1/n and 1/m, through their quantile
// functions:
//
//	W₁ = ∫₀¹ |F⁻¹(t) − G⁻¹(t)| dt,
//
// where F⁻¹(t) = a₍ᵢ₎ for t in [(i−1)/n, i/n) is the empirical quantile
// function of a (sorted values a₍₁₎ ≤ ... ≤ a₍ₙ₎) and G⁻¹ that of b. Both are
// step functions, so the integral is a finite sum over the intervals between
// the breakpoints i/n and j/m; the breakpoints are compared in exact
// integer arithmetic, in units of 1/(n·m). For n = m it equals W1Sorted1D.
// Example: {0} against {0, 2} gives ½·|0 − 0| + ½·|0 − 2| = 1.
// The inputs are not modified; a NaN input gives NaN. It panics with
// tensor.ErrArgument if either sample is empty.
func W1Between1D(a, b []float64) float64 {
	if len(a) == 0 || len(b) == 0 {
		panicf(tensor.ErrArgument, "W1Between1D", "%d and %d values, want at least one each", len(a), len(b))
	}
	as, bs := slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b))
	n, m := int64(len(as)), int64(len(bs))
	// Positions on [0, 1] are counted in units of 1/(n·m): value i of a
	// covers (i·m, (i+1)·m], value j of b covers (j·n, (j+1)·n].
	var i, j, position int64
	total := 0.0
	for i < n && j < m {
		endA, endB := (i+1)*m, (j+1)*n
		end := min(endA, endB)
		total += float64(end-position) * math.Abs(as[i]-bs[j])
		position = end
		if endA == end {
			i++
		}
		if endB == end {
			j++
		}
	}
	return total / (float64(n) * float64(m))
}
