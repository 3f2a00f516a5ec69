package cleverfox

import (
	"strings"
	"time"
)

// interval returns the longest time a job's schedule leaves between two runs,
// or 0 for a one-time job or a frequency the client does not know.
func (j *Job) interval() time.Duration {
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
