package cloutility

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

// The wire types mirror the JSON of the Cloutility API (cloutility.md §3.5).
// Every field is optional: the API leaves out fields that are not yet set,
// and list endpoints return slimmer objects than item endpoints.

// token is the answer of POST /v1/oauth.
type token struct {
	AccessToken  string  `json:"access_token"`
	TokenType    string  `json:"token_type"`
	ExpiresIn    float64 `json:"expires_in"`
	RefreshToken string  `json:"refresh_token"`
}

// me is the current user (/v1/me).
type me struct {
	ID           ID   `json:"id"`
	BusinessUnit *ref `json:"businessUnit"`
}

// ref is a reference to another object: the API writes it either as an
// object with an id or as the bare id.
type ref struct {
	ID   ID     `json:"id"`
	Name string `json:"name"`
}

// UnmarshalJSON accepts an object {id, name} or a bare id.
func (r *ref) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		type plain ref
		return json.Unmarshal(b, (*plain)(r))
	}
	return r.ID.UnmarshalJSON(b)
}

// simpleBusinessUnit is one node of the /v1/bunits tree.
type simpleBusinessUnit struct {
	ID            ID                       `json:"id"`
	ParentID      ID                       `json:"parentId"`
	Name          string                   `json:"name"`
	BusinessUnits list[simpleBusinessUnit] `json:"businessUnits"`
}

// businessUnit is /v1/bunits/{b}: the unit with its limits.
type businessUnit struct {
	ID   ID     `json:"id"`
	Name string `json:"name"`
	// StorageLimit is in GB; 0 means no limit. [I]
	StorageLimit *float64 `json:"storageLimit"`
	// TransferLimit is in GB, NodeLimit a number of nodes; 0 means no
	// limit. [I]
	TransferLimit *float64 `json:"transferLimit"`
	NodeLimit     *float64 `json:"nodeLimit"`
}

// consumer is a consumption unit, 1:1 with a backup node at Safespring.
type consumer struct {
	ID              ID     `json:"id"`
	Name            string `json:"name"`
	DataSourceState *Enum  `json:"dataSourceState"`
	// LimitHighStorage is the consumer's storage threshold in GB. [I]
	LimitHighStorage *float64 `json:"limitHighStorage"`
	// LatestRestorePoint is the newest point the consumer's data can be
	// restored to.
	LatestRestorePoint Time `json:"latestRestorePoint"`
	// AllowNoActivity is set when the customer allows the unit to idle: it
	// switches the "no activity" warnings off (cloutility.md 3.5). Slim
	// list answers may leave it out; nil is "not sent".
	AllowNoActivity *bool `json:"allowNoActivity"`
}

// node is the IBM Storage Protect node behind a consumer.
type node struct {
	ID             ID     `json:"id"`
	Name           string `json:"name"`
	Locked         *bool  `json:"locked"`
	Decommissioned *bool  `json:"decommissioned"`
	// LastAccessTime is documented as a string, not a date.
	LastAccessTime looseTime `json:"lastAccessTime"`
	// Domain is the node's policy domain, with its backup retention.
	Domain *domain `json:"domain"`
	// TSMClientVersion is the backup client's version, {name}: an object
	// or, tolerated, a bare string.
	TSMClientVersion *Enum `json:"tsmClientVersion"`
}

// domain is a node's Storage Protect policy domain.
type domain struct {
	Name string `json:"name"`
	// BackupRetention is how long the domain keeps backup versions, in
	// days. [I] Its JSON type is not documented: a number or a numeric
	// string is read, anything else is dropped and counted.
	BackupRetention rawRetention `json:"backupRetention"`
}

// rawRetention is a retention as sent: a number of days, or the raw JSON
// when it is not one (null and absent leave both empty).
type rawRetention struct {
	days *float64
	bad  string
}

// UnmarshalJSON never fails: a retention that does not parse is kept raw,
// for the issue that reports it, rather than failing the node.
func (r *rawRetention) UnmarshalJSON(b []byte) error {
	*r = rawRetention{}
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return nil
	}
	var s string
	if json.Unmarshal(b, &s) == nil {
		if b = []byte(strings.TrimSpace(s)); len(b) == 0 {
			return nil // not set
		}
	}
	if v, err := strconv.ParseFloat(string(b), 64); err == nil && v >= 0 && !math.IsInf(v, 0) && !math.IsNaN(v) {
		r.days = &v
		return nil
	}
	r.bad = string(b)
	return nil
}

// filespace is one file space of a node.
type filespace struct {
	ID            ID   `json:"id"`
	LastBackupEnd Time `json:"lastBackupEnd"`
}

// nodeReport is the daily report of one consumer's node.
type nodeReport struct {
	ID         ID   `json:"id"`
	ReportDate Time `json:"reportDate"`
	// CreatedDate is when the portal wrote the report: with ReportDate,
	// it says when the next day's report can be there.
	CreatedDate Time  `json:"createdDate"`
	Status      *Enum `json:"status"`
	// MegaBytes is the total stored, in MB (MiB, see MiB).
	MegaBytes                   *float64                `json:"megaBytes"`
	TransferredMegaBytes        *float64                `json:"transferredMegaBytes"`
	TransferredBackupMegaBytes  *float64                `json:"transferredBackupMegaBytes"`
	TransferredRestoreMegaBytes *float64                `json:"transferredRestoreMegaBytes"`
	Warnings                    list[nodeReportWarning] `json:"warnings"`
}

// nodeReportWarning is one warning of a node report.
type nodeReportWarning struct {
	// Type is a NodeWarningType {id, name, usesLimit} or its bare id.
	Type   *Enum `json:"type"`
	Status *Enum `json:"status"`
}

// job is one Storage Protect job (schedule event, restore, archive...).
type job struct {
	ID             ID    `json:"id"`
	Type           *Enum `json:"type"`
	Status         *Enum `json:"status"`
	Result         *int  `json:"result"`
	ScheduledStart Time  `json:"scheduledStart"`
	ActualStart    Time  `json:"actualStart"`
	Completed      Time  `json:"completed"`
	// Duration is a .NET TimeSpan, "[d.]hh:mm:ss[.fffffff]". [I]
	Duration             string   `json:"duration"`
	TransferredMegaBytes *float64 `json:"transferredMegaBytes"`
	// ExaminedFiles and FailedFiles count the files the job looked at and
	// those it could not back up.
	ExaminedFiles *float64 `json:"examinedFiles"`
	FailedFiles   *float64 `json:"failedFiles"`
}

// list is a collection: either a bare JSON array or a `$type`-tagged
// hypermedia collection {"$type", "href", "total", "items": [...]}. Its
// items are decoded one by one (httpapi.Items): an item with a field of the
// wrong type is dropped and counted, not the answer.
type list[T any] struct {
	httpapi.Items[T]
}

// UnmarshalJSON accepts an array, a collection object, or null.
func (l *list[T]) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var c struct {
			Items httpapi.Items[T] `json:"items"`
		}
		if err := json.Unmarshal(b, &c); err != nil {
			return err
		}
		l.Items = c.Items
		return nil
	}
	return l.Items.UnmarshalJSON(b)
}

// ID is an object id. The API sends integers; a string is accepted too.
type ID string

// UnmarshalJSON accepts a number, a string or null.
func (id *ID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*id = ""
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*id = ID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("id: %w", err)
	}
	*id = ID(n.String())
	return nil
}

// zero reports whether the id is absent or 0, which the /jobs/first quirk
// sends for "no value".
func (id ID) zero() bool { return id == "" || id == "0" }

// Enum is an enumeration value. ASP.NET Web API writes enums as integers by
// default, but the API also has {id, name} objects and the exporter accepts
// a name as well (cloutility.md §3.5).
type Enum struct {
	// ID is the numeric value, when one was sent.
	ID *int
	// Name is the name, when one was sent.
	Name string
}

// UnmarshalJSON accepts an integer, a string (a name or a quoted integer),
// an object {id, name} or null.
func (e *Enum) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*e = Enum{}
	switch {
	case string(b) == "null":
		return nil
	case len(b) > 0 && b[0] == '{':
		var o struct {
			ID   *int   `json:"id"`
			Name string `json:"name"`
		}
		if err := json.Unmarshal(b, &o); err != nil {
			return err
		}
		e.ID, e.Name = o.ID, strings.TrimSpace(o.Name)
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
			e.ID = &n
		} else {
			e.Name = strings.TrimSpace(s)
		}
		return nil
	}
	var n int
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("enum: %w", err)
	}
	e.ID = &n
	return nil
}

// key returns the name folded for matching: lower case without spaces,
// dashes or underscores ("Completed with warnings" → "completedwithwarnings").
func (e *Enum) key() string {
	if e == nil {
		return ""
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '_', '-':
			return -1
		}
		return r
	}, strings.ToLower(e.Name))
}

// Time is a timestamp. Dates are ISO-8601 with or without a fraction and with
// "Z", an offset or no zone at all (read as UTC); null, "" and .NET's
// DateTime.MinValue mean absent.
type Time struct{ time.Time }

// timeLayouts are tried in order; time.RFC3339Nano also reads RFC 3339
// without a fraction.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02",
}

// UnmarshalJSON accepts a string in one of timeLayouts, "" or null.
func (t *Time) UnmarshalJSON(b []byte) error {
	t.Time = time.Time{}
	if string(bytes.TrimSpace(b)) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("time: %w", err)
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	for _, layout := range timeLayouts {
		if v, err := time.Parse(layout, s); err == nil {
			// Quirk: .NET sends DateTime.MinValue (year 1) for "never".
			if v.Year() > 1 {
				t.Time = v.UTC()
			}
			return nil
		}
	}
	return fmt.Errorf("time %q: not ISO-8601", s)
}

// looseTime is a timestamp the API documents as a plain string: besides
// Time's ISO-8601 forms it reads .NET's invariant "M/d/yyyy h:mm:ss tt", and
// a value it cannot read is absent rather than an error that would lose the
// whole object.
type looseTime struct{ time.Time }

// UnmarshalJSON reads what it can and leaves the rest absent.
func (t *looseTime) UnmarshalJSON(b []byte) error {
	var iso Time
	if iso.UnmarshalJSON(b) == nil {
		t.Time = iso.Time
		return nil
	}
	t.Time = time.Time{}
	var s string
	if json.Unmarshal(b, &s) == nil {
		if v, err := time.Parse("1/2/2006 3:04:05 PM", strings.TrimSpace(s)); err == nil {
			t.Time = v.UTC()
		}
	}
	return nil
}

// parseTimeSpan reads a .NET TimeSpan "[-][d.]hh:mm:ss[.fffffff]".
func parseTimeSpan(s string) (time.Duration, bool) {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasPrefix(s, "-") {
		return 0, false
	}
	var days int
	hms := s
	if dot := strings.IndexByte(s, '.'); dot >= 0 && dot < strings.IndexByte(s, ':') {
		d, err := strconv.Atoi(s[:dot])
		if err != nil {
			return 0, false
		}
		days, hms = d, s[dot+1:]
	}
	parts := strings.Split(hms, ":")
	if len(parts) != 3 {
		return 0, false
	}
	h, err1 := strconv.Atoi(parts[0])
	m, err2 := strconv.Atoi(parts[1])
	sec, err3 := strconv.ParseFloat(parts[2], 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return 0, false
	}
	// Each part must be a count (no sign, no NaN), and the sum must fit a
	// time.Duration: anything else is not a TimeSpan .NET writes.
	total := ((float64(days)*24+float64(h))*60+float64(m))*60 + sec
	if days < 0 || h < 0 || m < 0 || !(sec >= 0) || total*float64(time.Second) >= math.MaxInt64 {
		return 0, false
	}
	d := time.Duration(days)*24*time.Hour + time.Duration(h)*time.Hour + time.Duration(m)*time.Minute +
		time.Duration(sec*float64(time.Second))
	return d, true
}

// MiB is the size of the API's "MB": Cloutility reports Storage Protect's
// megabytes, which are binary, so 1 MB = 1,048,576 bytes. [I]
const MiB = 1 << 20

// GiB is the size of the API's "GB" limits (storageLimit,
// limitHighStorage), binary like MiB. [I]
const GiB = 1 << 30

// errorBody is the API's error envelope, as the Safespring Go client reads
// it; the OAuth endpoint answers with OAuth's {error, error_description},
// and ASP.NET's own errors carry {"Message"}.
type errorBody struct {
	Code             string `json:"code"`
	Message          string `json:"message"`
	DeveloperMessage string `json:"developerMessage"`
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}
