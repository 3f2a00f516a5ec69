package clumio

import (
	"encoding/json"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Fuzzing of the Clumio decoding: seeds in testdata/fuzz (run by `make
// test`), exploration with `make fuzz`.

// FuzzDecodeList reads one body as every list envelope the client reads and
// maps the items that decode, as a refresh would.
func FuzzDecodeList(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		c := &Client{tasks: newTaskTracker(), logger: slog.New(slog.DiscardHandler)}

		var inv listPage[inventoryItem]
		if json.Unmarshal(body, &inv) == nil {
			_, _ = nextStart(&inv)
			for _, k := range assetKinds {
				for i := range inv.Embedded.Items.List {
					if a, ok := c.asset(k, &inv.Embedded.Items.List[i]); ok && a.ID == "" {
						t.Fatalf("asset without id kept: %+v", a)
					}
				}
			}
		}

		var tasks listPage[task]
		if json.Unmarshal(body, &tasks) == nil {
			jobs, running := c.tasks.apply(tasks.Embedded.Items.List, nil, testNow, 24*time.Hour, c.logger)
			for _, j := range jobs {
				if j.ID == "" || !j.Status.Finished() || j.End.IsZero() {
					t.Fatalf("job served that is not a finished one with an id and an end: %+v", j)
				}
			}
			for typ, n := range running {
				if n < 0 {
					t.Fatalf("running %s jobs counted %d", typ, n)
				}
			}
		}

		var pols listPage[policy]
		if json.Unmarshal(body, &pols) == nil {
			for _, p := range pols.Embedded.Items.List {
				for _, op := range p.Operations {
					for _, sla := range op.SLAs {
						if d := sla.RPOFrequency.duration(); d < 0 {
							t.Fatalf("rpo_frequency %+v gives a negative RPO %v", *sla.RPOFrequency, d)
						}
					}
				}
			}
		}

		var alerts listPage[alert]
		if json.Unmarshal(body, &alerts) == nil {
			for _, a := range alerts.Embedded.Items.List {
				_ = alertSeverity(a.Severity)
			}
		}
		var ous listPage[orgUnit]
		_ = json.Unmarshal(body, &ous)
		_ = ErrorMessage(body)
	})
}

// FuzzReadValue reads one JSON value with each time, number and enum
// reader. A value a reader accepts must mean what it says.
func FuzzReadValue(f *testing.F) {
	f.Fuzz(func(t *testing.T, value []byte) {
		var ts timestamp
		if ts.UnmarshalJSON(value) == nil && !ts.IsZero() {
			var s string
			if json.Unmarshal(value, &s) != nil {
				t.Fatalf("timestamp accepted %s, which is not a string", value)
			}
			if y := ts.Year(); y < 1 || y > 9999 {
				t.Fatalf("timestamp %s read as year %d", value, y)
			}
		}

		var e epoch
		if e.UnmarshalJSON(value) == nil && !e.IsZero() {
			f, err := strconv.ParseFloat(strings.Trim(strings.TrimSpace(string(value)), `"`), 64)
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || float64(e.Unix()) != math.Trunc(f) {
				t.Fatalf("epoch %s read as %v (%d)", value, e.Time, e.Unix())
			}
		}

		var fs flexString
		_ = fs.UnmarshalJSON(value)

		var uv unitValue
		if json.Unmarshal(value, &uv) == nil {
			if d := uv.duration(); d < 0 {
				t.Fatalf("unit value %s gives a negative duration %v", value, d)
			}
		}

		s := string(value)
		_, _, _, _ = taskStatus(s), jobType(s), inventoryStatus(s, true), alertSeverity(s)
	})
}
