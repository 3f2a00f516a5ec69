package cleverfoxfake

import (
	"cmp"
	"time"
)

// The JSON the fake sends, as the API documents it: PascalCase attributes,
// every attribute present, null where there is no value, timestamps without
// a zone. Quirk reproduced: booleans that are false are sometimes sent as
// null (the API says null means false).

// wallLayout is the API's timestamp shape: milliseconds, no zone.
const wallLayout = "2006-01-02T15:04:05.000"

// stamp writes t as a zone-less timestamp in loc, or null for the zero time.
func stamp(t time.Time, loc *time.Location) *string {
	if t.IsZero() {
		return nil
	}
	s := t.In(loc).Format(wallLayout)
	return &s
}

// flag writes a boolean; a false one is null for every third id.
func flag(b bool, id int) *bool {
	if !b && id%3 == 0 {
		return nil
	}
	return &b
}

type wireCompany struct {
	CompanyID  int     `json:"CompanyId"`
	PartnerID  int     `json:"PartnerId"`
	PlanTypeID int     `json:"PlanTypeId"`
	Name       string  `json:"Name"`
	Country    string  `json:"Country"`
	ExternalID *string `json:"ExternalId"`
	IsInactive *bool   `json:"IsInactive"`
	AddedOn    *string `json:"AddedOn"`
	UpdatedOn  *string `json:"UpdatedOn"`
	Token      *string `json:"Token"`
}

type wireSubscription struct {
	SubscriptionID   int     `json:"SubscriptionId"`
	CompanyID        int     `json:"CompanyId"`
	PlanID           int     `json:"PlanId"`
	IsInactive       *bool   `json:"IsInactive"`
	Status           string  `json:"Status"`
	PeriodStart      *string `json:"PeriodStart"`
	PeriodEnd        *string `json:"PeriodEnd"`
	AdditionalDevice int     `json:"AdditionalDevice"`
	SendNotification *bool   `json:"SendNotificationOnStorageLimit"`
}

type wirePlan struct {
	PlanID        int    `json:"PlanId"`
	PlanTypeID    int    `json:"PlanTypeId"`
	Name          string `json:"Name"`
	Details       string `json:"Details"`
	IsInactive    *bool  `json:"IsInactive"`
	DeviceLimit   int    `json:"DeviceLimit"`
	StorageLimit  int    `json:"StorageLimit"`
	DownloadLimit *bool  `json:"DownloadLimit"`
}

type wireDevice struct {
	DeviceID                       int     `json:"DeviceId"`
	CompanyID                      int     `json:"CompanyId"`
	SubscriptionID                 int     `json:"SubscriptionId"`
	Name                           string  `json:"Name"`
	TimeZoneID                     string  `json:"TimeZoneId"`
	IsInactive                     *bool   `json:"IsInactive"`
	LastAPICheckAt                 *string `json:"LastApiCheckAt"`
	SendNotificationOnJobCompleted *bool   `json:"SendNotificationOnJobCompleted"`
	SendNotificationOnJobFailed    *bool   `json:"SendNotificationOnJobFailed"`
	SendNotificationOnJobMissed    *bool   `json:"SendNotificationOnJobMissed"`
}

type wireBackupType struct {
	EngineID string `json:"EngineId"`
	Name     string `json:"Name"`
}

type wireJobItem struct {
	JobItemID  int            `json:"JobItemId"`
	JobID      int            `json:"JobId"`
	Name       string         `json:"Name"`
	BackupType wireBackupType `json:"BackupType"`
}

type wireJob struct {
	JobID       int           `json:"JobId"`
	DeviceID    int           `json:"DeviceId"`
	Name        string        `json:"Name"`
	IsInactive  *bool         `json:"IsInactive"`
	LastRanOn   *string       `json:"LastRanOn"`
	Frequency   string        `json:"Frequency"`
	NextRunOn   *string       `json:"NextRunOn"`
	LateAfter   int           `json:"LateAfter"`
	Every       int           `json:"Every"`
	OnMonday    *bool         `json:"OnMonday"`
	OnTuesday   *bool         `json:"OnTuesday"`
	OnWednesday *bool         `json:"OnWednesday"`
	OnThursday  *bool         `json:"OnThursday"`
	OnFriday    *bool         `json:"OnFriday"`
	OnSaturday  *bool         `json:"OnSaturday"`
	OnSunday    *bool         `json:"OnSunday"`
	JobItems    []wireJobItem `json:"JobItems"`
}

type wireLogItem struct {
	LogItemID      int    `json:"LogItemId"`
	LogID          int    `json:"LogId"`
	JobItemID      int    `json:"JobItemId"`
	Name           string `json:"Name"`
	EngineID       string `json:"EngineId"`
	BackupFileSize *int64 `json:"BackupFileSize"`
}

type wireLog struct {
	LogID          int           `json:"LogId"`
	CompanyID      int           `json:"CompanyId"`
	DeviceID       int           `json:"DeviceId"`
	TimeZoneID     string        `json:"TimeZoneId"`
	SubscriptionID int           `json:"SubscriptionId"`
	JobID          int           `json:"JobId"`
	Name           string        `json:"Name"`
	Frequency      string        `json:"Frequency"`
	NextRunOn      *string       `json:"NextRunOn"`
	LateAfter      int           `json:"LateAfter"`
	JobStartedOn   *string       `json:"JobStartedOn"`
	JobCompletedOn *string       `json:"JobCompletedOn"`
	JobStatus      string        `json:"JobStatus"`
	ErrorMessages  *string       `json:"ErrorMessages"`
	AddedOn        *string       `json:"AddedOn"`
	UpdatedOn      *string       `json:"UpdatedOn"`
	SendOnFailed   *bool         `json:"SendNotificationOnJobFailed"`
	LogItems       []wireLogItem `json:"LogItems"`
}

// index holds what the encoders look up across lists.
type index struct {
	devices map[int]*Device
	jobs    map[int]*Job
}

func newIndex(d *Data) *index {
	ix := &index{devices: make(map[int]*Device, len(d.Devices)), jobs: make(map[int]*Job, len(d.Jobs))}
	for i := range d.Devices {
		ix.devices[d.Devices[i].ID] = &d.Devices[i]
	}
	for i := range d.Jobs {
		ix.jobs[d.Jobs[i].ID] = &d.Jobs[i]
	}
	return ix
}

func (ix *index) company(c *Company) any {
	return wireCompany{
		CompanyID: c.ID, PartnerID: 1, PlanTypeID: 1, Name: c.Name, Country: "US",
		IsInactive: flag(c.Inactive, c.ID), AddedOn: stamp(c.AddedOn, time.UTC), UpdatedOn: stamp(c.AddedOn, time.UTC),
	}
}

func (ix *index) subscription(s *Subscription) any {
	return wireSubscription{
		SubscriptionID: s.ID, CompanyID: s.CompanyID, PlanID: s.PlanID, IsInactive: flag(s.Inactive, s.ID),
		Status: s.Status, PeriodStart: stamp(s.PeriodStart, time.UTC), PeriodEnd: stamp(s.PeriodEnd, time.UTC),
		AdditionalDevice: s.AdditionalDevice, SendNotification: flag(false, s.ID),
	}
}

func (ix *index) plan(p *Plan) any {
	return wirePlan{
		PlanID: p.ID, PlanTypeID: 1, Name: p.Name, Details: "Windows PC backup\r\nSQL Server backup",
		IsInactive: flag(p.Inactive, p.ID), DeviceLimit: p.DeviceLimit, StorageLimit: p.StorageLimit,
		DownloadLimit: flag(false, p.ID),
	}
}

func (ix *index) device(d *Device) any {
	return wireDevice{
		DeviceID: d.ID, CompanyID: d.CompanyID, SubscriptionID: d.SubscriptionID, Name: d.Name,
		TimeZoneID: d.TimeZoneID, IsInactive: flag(d.Inactive, d.ID),
		LastAPICheckAt:                 stamp(d.LastAPICheckAt, Location(d.TimeZoneID)),
		SendNotificationOnJobCompleted: flag(false, d.ID),
		SendNotificationOnJobFailed:    flag(true, d.ID),
		SendNotificationOnJobMissed:    flag(d.ID%2 == 0, d.ID),
	}
}

// zoneOf is the zone of a job's local times: its device's.
func (ix *index) zoneOf(deviceID int) (*time.Location, string) {
	if d := ix.devices[deviceID]; d != nil {
		return Location(d.TimeZoneID), d.TimeZoneID
	}
	return time.UTC, "UTC"
}

func (ix *index) job(j *Job) any {
	loc, _ := ix.zoneOf(j.DeviceID)
	on := map[time.Weekday]bool{}
	for _, d := range j.Days {
		on[d] = true
	}
	w := wireJob{
		JobID: j.ID, DeviceID: j.DeviceID, Name: j.Name, IsInactive: flag(j.Inactive, j.ID),
		LastRanOn: stamp(j.LastRanOn, loc), Frequency: j.Frequency, NextRunOn: stamp(j.NextRunOn, loc),
		LateAfter: j.LateAfter, Every: j.Every,
		OnMonday: flag(on[time.Monday], j.ID), OnTuesday: flag(on[time.Tuesday], j.ID),
		OnWednesday: flag(on[time.Wednesday], j.ID), OnThursday: flag(on[time.Thursday], j.ID),
		OnFriday: flag(on[time.Friday], j.ID), OnSaturday: flag(on[time.Saturday], j.ID),
		OnSunday: flag(on[time.Sunday], j.ID),
	}
	for _, it := range j.Items {
		w.JobItems = append(w.JobItems, wireJobItem{JobItemID: it.ID, JobID: j.ID, Name: it.Name, BackupType: wireBackupType{EngineID: engineID(it.Engine), Name: it.Engine}})
	}
	return w
}

func (ix *index) log(l *Log) any {
	w := wireLog{LogID: l.ID, JobID: l.JobID, JobStatus: l.Status, AddedOn: stamp(l.AddedOn, time.UTC)}
	loc := time.UTC
	if j := ix.jobs[l.JobID]; j != nil {
		loc, w.TimeZoneID = ix.zoneOf(j.DeviceID)
		w.DeviceID, w.Name, w.Frequency, w.LateAfter = j.DeviceID, j.Name, j.Frequency, j.LateAfter
		w.NextRunOn = stamp(j.NextRunOn, loc)
		if d := ix.devices[j.DeviceID]; d != nil {
			w.CompanyID, w.SubscriptionID = d.CompanyID, d.SubscriptionID
		}
	}
	w.JobStartedOn = stamp(l.Started, loc)
	w.JobCompletedOn = stamp(l.Completed, loc)
	w.UpdatedOn = stamp(cmp.Or(l.Completed, l.AddedOn), time.UTC)
	if l.Error != "" {
		w.ErrorMessages = &l.Error
	}
	w.SendOnFailed = flag(false, l.ID)
	for _, it := range l.Items {
		w.LogItems = append(w.LogItems, wireLogItem{
			LogItemID: it.ID, LogID: l.ID, JobItemID: it.ItemID, Name: it.Name,
			EngineID: engineID(it.Engine), BackupFileSize: it.FileSize,
		})
	}
	return w
}

// engineID is the BackupType's EngineId of an engine, such as "FILE".
func engineID(engine string) string {
	switch engine {
	case "SqlServer":
		return "SQLSERVER"
	case "Folder":
		return "FOLDER"
	}
	return "FILE"
}
