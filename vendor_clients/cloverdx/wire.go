package cloverdx

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/backup-exporter/backup_exporter/vendor_clients/httpapi"
)

// The wire types decode only the fields the client reads; the others
// (@self, @type, @startIndex, @pageItems, executionType, durationString,
// errorMessage, passingItemsCount, item names and messages, …) are left out.

// collection is the envelope of every REST collection. Quirk: its paging
// fields carry an "@" prefix.
//
// Members are decoded one by one: a member with a field of the wrong type
// is dropped and counted, not the page.
type collection[T any] struct {
	TotalItems *int             `json:"@totalItems"`
	Members    httpapi.Items[T] `json:"members"`
}

// ItemDrops reports the members of the page that did not decode.
func (c *collection[T]) ItemDrops() (int, string) { return c.Members.ItemDrops() }

// execution is one run of a job file, as GET /executions lists it.
type execution struct {
	RunID       int64     `json:"runId"`
	Status      enumName  `json:"status"`
	SandboxCode string    `json:"sandboxCode"`
	JobFile     string    `json:"jobFile"`
	SubmitTime  timestamp `json:"submitTime"`
	StartTime   timestamp `json:"startTime"`
	EndTime     timestamp `json:"endTime"`
	// StopTime is the name some servers use for EndTime.
	StopTime timestamp `json:"stopTime"`
	// Duration is in milliseconds.
	Duration *millis `json:"duration"`
	// ExecutionType is STANDALONE, JOBFLOW, MASTER or PARTITION_WORKER,
	// and ParentRunID the run that started this one (cloverdx.md 4.5,
	// names inferred in camelCase).
	ExecutionType string `json:"executionType"`
	ParentRunID   *int64 `json:"parentRunId"`
}

// child reports whether the execution runs inside another: it names a
// parent run other than its own, or it is a partition worker of a master.
func (e execution) child() bool {
	if p := e.ParentRunID; p != nil && *p > 0 && *p != e.RunID {
		return true
	}
	return strings.EqualFold(e.ExecutionType, "PARTITION_WORKER")
}

// end is when the execution finished, or zero.
func (e execution) end() time.Time {
	if !e.EndTime.IsZero() {
		return e.EndTime.Time
	}
	return e.StopTime.Time
}

// started is the best known start of the execution: its start, else its
// submission, else its end; zero when it carries no time at all.
func (e execution) started() time.Time {
	for _, t := range []timestamp{e.StartTime, e.SubmitTime} {
		if !t.IsZero() {
			return t.Time
		}
	}
	return e.end()
}

// duration is the run time of a finished execution: the reported duration,
// else end minus start; nil when neither is known.
func (e execution) duration() *time.Duration {
	if e.Duration != nil {
		d := time.Duration(*e.Duration) * time.Millisecond
		return &d
	}
	if end := e.end(); !end.IsZero() && !e.StartTime.IsZero() && !end.Before(e.StartTime.Time) {
		d := end.Sub(e.StartTime.Time)
		return &d
	}
	return nil
}

// dashboard is one Operations Dashboard.
type dashboard struct {
	ID json.Number `json:"id"`
}

// monitor is one monitor of a dashboard. Its field names are not public
// (only a server's docs.html has them): these follow vendors/cloverdx.md.
type monitor struct {
	ID                json.Number   `json:"id"`
	Name              string        `json:"name"`
	State             enumName      `json:"state"`
	Warning           *bool         `json:"warning"`
	AlertLevel        enumName      `json:"alertLevel"`
	FailingItemsCount *int          `json:"failingItemsCount"`
	Items             []monitorItem `json:"items"`
}

// monitorItem is one schedule, event listener or data service a monitor
// watches.
type monitorItem struct {
	// Type is SCHEDULE, EVENT_LISTENER or DATA_SERVICE.
	Type       enumName `json:"type"`
	State      enumName `json:"state"`
	AlertLevel enumName `json:"alertLevel"`
}

// apiError is the error envelope, {"errorMessage": "...", "httpStatus": 404}.
type apiError struct {
	ErrorMessage string `json:"errorMessage"`
}

// ErrorMessage reads the message of a CloverDX error body, or "" when the
// body is not the error envelope.
func ErrorMessage(body []byte) string {
	var e apiError
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	return e.ErrorMessage
}

// enumName is an enumeration value normalised to upper case with "_" between
// words. Quirk: servers differ in the case of monitor states and alert levels
// ("FAILING", "Failing", "Very Low") and may send an object such as
// {"name": "HIGH"} in place of the string.
type enumName string

// UnmarshalJSON accepts a string, null, or an object with a name.
func (n *enumName) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	var s string
	switch {
	case bytes.Equal(b, []byte("null")):
		*n = ""
		return nil
	case len(b) > 0 && b[0] == '{':
		var obj struct {
			Name string `json:"name"`
		}
		if err := json.Unmarshal(b, &obj); err != nil {
			return err
		}
		s = obj.Name
	default:
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("enumeration: want a string or an object with a name, got %s", b)
		}
	}
	s = strings.ToUpper(strings.TrimSpace(s))
	*n = enumName(strings.NewReplacer(" ", "_", "-", "_").Replace(s))
	return nil
}

// timestamp is a time field. Quirk: REST objects carry ISO-8601 strings with
// an offset ("2024-05-14T02:00:05.120+02:00") while the jobflow records carry
// epoch milliseconds; both are accepted, as number or string.
type timestamp struct{ time.Time }

// isoLayouts are the ISO-8601 forms accepted, with and without a colon in the
// offset.
var isoLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700"}

// UnmarshalJSON accepts null, epoch milliseconds or an ISO-8601 string.
func (t *timestamp) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		t.Time = time.Time{}
		return nil
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if s == "" {
			t.Time = time.Time{}
			return nil
		}
	}
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		// Past years 1 and 9999 the number is wrong, not a far date.
		if ms < minEpochMilli || ms > maxEpochMilli {
			return fmt.Errorf("time %s: epoch milliseconds out of range", s)
		}
		t.Time = time.UnixMilli(ms).UTC()
		return nil
	}
	for _, layout := range isoLayouts {
		if v, err := time.Parse(layout, s); err == nil {
			if v.Year() < 1 {
				return fmt.Errorf("time %q: before year 1", s)
			}
			t.Time = v
			return nil
		}
	}
	return fmt.Errorf("time %q: want ISO-8601 with an offset or epoch milliseconds", s)
}

// minEpochMilli and maxEpochMilli bound epoch milliseconds to years 1 to
// 9999.
const (
	minEpochMilli = -62135596800000
	maxEpochMilli = 253402300799999
)

// maxMillis is the longest duration a time.Duration holds, in milliseconds.
const maxMillis = math.MaxInt64 / float64(time.Millisecond)

// millis is a count of milliseconds sent as a number or a numeric string.
type millis int64

// UnmarshalJSON accepts a number or a numeric string.
func (m *millis) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(bytes.TrimSpace(b)), `"`)
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("duration %s: want milliseconds", b)
	}
	if !(v >= 0 && v <= maxMillis) {
		return fmt.Errorf("duration %s: want milliseconds from 0 to %.0f", b, maxMillis)
	}
	*m = millis(v)
	return nil
}
