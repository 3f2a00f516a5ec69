// Package promnames finds metric names: those a PromQL expression reads, and
// those a golden exposition file shows. The alert and dashboard tests use it
// to prove that every query reads a metric the exporter really exposes.
package promnames

import (
	"fmt"
	"sort"
	"strings"
)

// keywords are the PromQL words that look like metric names but are not:
// aggregations, binary operators, modifiers and number literals.
var keywords = setOf(
	"sum", "min", "max", "avg", "group", "stddev", "stdvar", "count",
	"count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio",
	"and", "or", "unless", "atan2", "bool", "offset",
	"by", "without", "on", "ignoring", "group_left", "group_right",
	"inf", "nan",
)

// labelLists are the keywords whose parenthesised argument is a list of label
// names, never an expression.
var labelLists = setOf("by", "without", "on", "ignoring", "group_left", "group_right")

func setOf(words ...string) map[string]bool {
	set := make(map[string]bool, len(words))
	for _, w := range words {
		set[w] = true
	}
	return set
}

// MetricNames returns the sorted, distinct metric names that expr selects.
//
// It is a tokenizer, not a parser: it skips strings, label matchers, range
// and subquery brackets, numbers and durations, Grafana variables ($x,
// ${x}), function calls (a name followed by "("), keywords and the label
// lists of by/without/on/ignoring/group_left/group_right. What is left are
// the names of vector selectors. It fails on unbalanced quotes or brackets,
// so that a broken query is not silently read as "no metrics".
func MetricNames(expr string) ([]string, error) {
	seen := map[string]bool{}
	s := expr
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\'' || c == '`':
			end, err := skipString(s, i)
			if err != nil {
				return nil, err
			}
			i = end
		case c == '{':
			end, err := skipTo(s, i, '}')
			if err != nil {
				return nil, err
			}
			i = end
		case c == '[':
			end, err := skipTo(s, i, ']')
			if err != nil {
				return nil, err
			}
			i = end
		case c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '$':
			i++
			if i < len(s) && s[i] == '{' {
				end, err := skipTo(s, i, '}')
				if err != nil {
					return nil, err
				}
				i = end
				continue
			}
			for i < len(s) && isNameChar(s[i]) {
				i++
			}
		case isDigit(c) || (c == '.' && i+1 < len(s) && isDigit(s[i+1])):
			// Numbers, durations (5m, 1h30m) and exponents (1e3, 0x1f).
			for i < len(s) && (isNameChar(s[i]) || s[i] == '.') {
				i++
			}
		case isNameStart(c):
			start := i
			for i < len(s) && isNameChar(s[i]) {
				i++
			}
			name := s[start:i]
			next := skipSpace(s, i)
			switch {
			case keywords[strings.ToLower(name)]:
				if labelLists[strings.ToLower(name)] && next < len(s) && s[next] == '(' {
					end, err := skipTo(s, next, ')')
					if err != nil {
						return nil, err
					}
					i = end
				}
			case next < len(s) && s[next] == '(':
				// A function call; its arguments are scanned next.
			default:
				seen[name] = true
			}
		default:
			i++
		}
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}

// skipString returns the index just past the string literal opening at i.
// Backquoted strings have no escapes.
func skipString(s string, i int) (int, error) {
	quote := s[i]
	for j := i + 1; j < len(s); j++ {
		switch {
		case s[j] == '\\' && quote != '`':
			j++
		case s[j] == quote:
			return j + 1, nil
		}
	}
	return 0, fmt.Errorf("unterminated string at offset %d in %q", i, s)
}

// skipTo returns the index just past the close bracket that matches the one
// at i, skipping string literals (a matcher's regex may hold any bracket).
func skipTo(s string, i int, closer byte) (int, error) {
	opener := s[i]
	depth := 0
	for j := i; j < len(s); j++ {
		switch s[j] {
		case '"', '\'', '`':
			end, err := skipString(s, j)
			if err != nil {
				return 0, err
			}
			j = end - 1
		case opener:
			depth++
		case closer:
			depth--
			if depth == 0 {
				return j + 1, nil
			}
		}
	}
	return 0, fmt.Errorf("unbalanced %q at offset %d in %q", opener, i, s)
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isNameStart(c byte) bool {
	return c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isNameChar(c byte) bool { return isNameStart(c) || isDigit(c) }
