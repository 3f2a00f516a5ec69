package clumio

import "time"

// later returns the later of two times. Clumio spreads one event over
// several timestamps (an alert's raised, updated and cleared; an asset's
// successful and failed policy starts), and the newest is what counts.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
