package backup

import "time"

// Progress is the state of a fan-out read at the end of one refresh. A
// fan-out client keeps every item's last good read, reads the items that
// are due stalest first, and stops when the refresh's time is up: the
// snapshot then serves every item read so far, each with its own age, and
// the next refresh continues where this one stopped.
type Progress struct {
	// Items is the number of items listed (consumers, dashboards).
	Items int
	// Read is the number of item reads that succeeded in this refresh.
	Read int
	// Failed is the number of item reads that failed in this refresh; each
	// failed item keeps serving its last good read and is read again later.
	Failed int
	// Pending is the number of items that were due and that this refresh
	// did not read because its time was up.
	Pending int
	// NextDue is when the next item falls due; zero when none is waiting.
	NextDue time.Time
	// ReadAt holds, for each listed item, when its state was last read
	// successfully; a zero time is an item never read yet.
	ReadAt []time.Time
}
