package collector

import (
	"log/slog"
	"sort"
)

// issues collects the items of one refresh that the engine had to skip (a
// duplicate asset id, a sample that does not fit its spec), so that each kind
// is logged once rather than once per item or per refresh.
type issues map[string]*issue

type issue struct {
	count   int
	example string
}

// add records one skipped item of the given kind.
func (is issues) add(kind, example string) {
	if it, ok := is[kind]; ok {
		it.count++
		return
	}
	is[kind] = &issue{count: 1, example: example}
}

// issueLog remembers which kinds of issue have been logged for a target: a
// kind is logged when it appears and again only after a refresh without it.
type issueLog map[string]bool

// report logs the kinds new in is and forgets the kinds that went away.
func (l issueLog) report(logger *slog.Logger, is issues) {
	kinds := make([]string, 0, len(is))
	for k := range is {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		if l[k] {
			continue
		}
		l[k] = true
		logger.Warn("skipped invalid items from the vendor", "issue", k, "count", is[k].count, "example", is[k].example)
	}
	for k := range l {
		if _, ok := is[k]; !ok {
			delete(l, k)
		}
	}
}
