package cleverfox

import (
	"strings"
	"time"
)

// interval returns the longest time a job's schedule leaves between two runs,
// or 0 for a one-time job or a frequency the client does not know.
//
// An Every past the documented 1..999 is not a schedule the product can
// hold: it gives 0 too rather than a product that overflows.
func (j *Job) interval() time.Duration {
	if j.Every > maxEvery {
		return 0
	}
	every := time.Duration(max(j.Every, 1))
	switch {
	case strings.EqualFold(j.Frequency, "Hourly"):
		return every * time.Hour
	case strings.EqualFold(j.Frequency, "Daily"):
		return every * 24 * time.Hour
	case strings.EqualFold(j.Frequency, "Weekly"):
		return time.Duration(j.weeklyGap(int(every))) * 24 * time.Hour
	// Quirk: the docs spell the monthly frequency "Monthy"; the product
	// may send either spelling.
	case strings.EqualFold(j.Frequency, "Monthy"), strings.EqualFold(j.Frequency, "Monthly"):
		return every * 31 * 24 * time.Hour
	}
	return 0
}

// maxEvery and maxLateAfter are the documented bounds of Job.Every and
// Job.LateAfter.
const (
	maxEvery     = 999
	maxLateAfter = 1439
)

// lateAfter is how late a run may start: LateAfter minutes, bounded to the
// documented 0..1439 so that a wild value can neither shorten the RPO nor
// overflow it.
func (j *Job) lateAfter() time.Duration {
	return time.Duration(min(max(j.LateAfter, 0), maxLateAfter)) * time.Minute
}

// weeklyGap returns, in days, the longest gap between two runs of a weekly
// job that runs every `every` weeks on the days it names: the widest gap
// between two of its days, where the gap that wraps into the next run week
// also spans the skipped weeks. A job naming no day counts as once a week.
func (j *Job) weeklyGap(every int) int {
	days := [7]bool{j.OnMonday, j.OnTuesday, j.OnWednesday, j.OnThursday, j.OnFriday, j.OnSaturday, j.OnSunday}
	first, last, widest := -1, -1, 0
	for d, on := range days {
		if !on {
			continue
		}
		if first < 0 {
			first = d
		} else {
			widest = max(widest, d-last)
		}
		last = d
	}
	if first < 0 {
		return 7 * every
	}
	wrap := first + 7*every - last
	return max(widest, wrap)
}
