package cleverfox

import (
	"bytes"
	"encoding/json"
	"time"
)

// DateTime is a CleverFox timestamp. Quirk: the API writes timestamps without
// a zone ("2024-05-14T03:00:00.000"), and whether one is UTC or the device's
// local time depends on the field, so DateTime keeps the wall clock and the
// mapping places it with UTC or In. A value that does carry a zone (Z or an
// offset) is taken as the instant it names, whatever the field.
type DateTime struct {
	wall  time.Time // the wall clock, in UTC as a placeholder zone
	zoned bool      // the text carried its own zone
	// unreadable is set when a value was sent but could not be read, so
	// that a field the exporter serves can count it as a data issue.
	unreadable bool
}

// wallLayouts are the zone-less shapes a timestamp may take. time.Parse
// accepts fractional seconds after the seconds even when the layout has none.
var wallLayouts = []string{"2006-01-02T15:04:05", "2006-01-02 15:04:05"}

// UnmarshalJSON reads a timestamp string. null, "" and text of an unknown
// shape give the zero DateTime rather than failing the whole page: the field
// is then treated as absent (JobStartedOn is documented as a free string).
func (d *DateTime) UnmarshalJSON(b []byte) error {
	*d = DateTime{}
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	var s string
	if n := len(b); n >= 2 && b[0] == '"' && b[n-1] == '"' && bytes.IndexByte(b, '\\') < 0 {
		s = string(b[1 : n-1]) // the common case, without a decoder
	} else if err := json.Unmarshal(b, &s); err != nil {
		d.unreadable = true
		return nil
	}
	*d = ParseDateTime(s)
	d.unreadable = d.IsZero() && s != ""
	return nil
}

// Unreadable reports whether a value was sent that is not a timestamp (as
// opposed to null or "", which mean absent).
func (d DateTime) Unreadable() bool { return d.unreadable }

// ParseDateTime reads one timestamp; see UnmarshalJSON for what it accepts.
func ParseDateTime(s string) DateTime {
	if s == "" {
		return DateTime{}
	}
	for _, layout := range wallLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return inRange(DateTime{wall: t})
		}
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return inRange(DateTime{wall: t, zoned: true})
	}
	return DateTime{}
}

// inRange returns d, or the zero DateTime when d lies before year 1, which
// time.Parse reads ("0000-01-01") but no clock ever showed.
func inRange(d DateTime) DateTime {
	if d.wall.Year() < 1 {
		return DateTime{}
	}
	return d
}

// IsZero reports whether the timestamp was absent or unreadable.
func (d DateTime) IsZero() bool { return d.wall.IsZero() }

// UTC returns the instant of a "DateTime UTC" field.
func (d DateTime) UTC() time.Time { return d.In(time.UTC) }

// In returns the instant of a "DateTime Local" field whose zone is loc. The
// zero DateTime gives the zero time.
func (d DateTime) In(loc *time.Location) time.Time {
	if d.wall.IsZero() {
		return time.Time{}
	}
	if d.zoned {
		return d.wall
	}
	w := d.wall
	return time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), loc)
}
