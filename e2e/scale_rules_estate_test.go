//go:build scale

package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// estate is the exposition of a synthetic MSP estate with the names and
// labels the exporter serves (collector/testdata's golden files): assets
// split evenly over one target per vendor, spread over tenants, each with
// every per-asset series the exporter can serve (so the per-asset rules
// cost what they cost where the vendor reports everything), the fleet
// summary, and each target's health, jobs and storage. vendorsim's Clumio
// estate has neither transferred bytes nor sizes for most assets, which
// would flatter the size-anomaly rules; this estate is their worst case.
type estate struct {
	assets, tenants int
	text            []byte
}

// estateVendors are the four vendors with the asset types they serve.
var estateVendors = []struct {
	vendor string
	types  []string
}{
	{"clumio", []string{"aws_ebs_volume", "aws_rds_resource", "aws_s3_bucket", "aws_ec2_instance"}},
	{"cleverfox", []string{"cleverfox_job"}},
	{"cloutility", []string{"cloutility_node"}},
	{"cloverdx", []string{"graph", "jobflow"}},
}

// estateStatuses is the share (in thousandths) of each latest status:
// a mostly healthy estate with a few percent in trouble.
var estateStatuses = []struct {
	status string
	per    int
}{{"success", 900}, {"warning", 30}, {"failed", 35}, {"missed", 15}, {"running", 15}, {"queued", 5}}

// newEstate builds the exposition of assets assets over tenants tenants as
// of now.
func newEstate(assets, tenants int, now time.Time) *estate {
	var b bytes.Buffer
	w := bufio.NewWriter(&b)
	type summaryKey struct{ target, tenant, assetType string }
	type summary struct {
		status                 map[string]int
		protected, unprotected int
		rpoViolated, neverSucc int
		oldest                 float64
		usedBytes, transferred float64
	}
	sums := map[summaryKey]*summary{}
	nowS := float64(now.Unix())
	perVendor := assets / len(estateVendors)
	for v, ven := range estateVendors {
		for i := range perVendor {
			n := v*perVendor + i
			id := fmt.Sprintf("%s-%06d", ven.vendor, i)
			tenant := fmt.Sprintf("tenant-%03d", n%tenants)
			assetType := ven.types[i%len(ven.types)]
			lbl := fmt.Sprintf(`asset_id="%s",target="%s",vendor="%s"`, id, ven.vendor, ven.vendor)
			fmt.Fprintf(w, "backup_asset_info{asset=\"asset %d\",asset_id=\"%s\",asset_type=\"%s\",target=\"%s\",tenant=\"%s\",vendor=\"%s\"} 1\n",
				n, id, assetType, ven.vendor, tenant, ven.vendor)
			status := "success"
			for r, acc := (n*7919)%1000, 0; ; {
				found := false
				for _, s := range estateStatuses {
					acc += s.per
					if r < acc {
						status, found = s.status, true
						break
					}
				}
				if found || acc >= 1000 {
					break
				}
			}
			protected := n%50 != 0 // 2 % unprotected
			never := n%97 == 0     // 1 % never succeeded
			rpo := 26 * 3600.0
			if n%5 == 0 {
				rpo = 6 * 3600
			}
			lastSuccess := nowS - float64((n*37)%86400)
			if status == "failed" || status == "missed" {
				lastSuccess -= rpo // out of its RPO
			}
			size := float64(1<<30) * float64(1+n%200)
			transferred := size / float64(10+n%20)
			fmt.Fprintf(w, "backup_asset_last_attempt_timestamp_seconds{%s} %g\n", lbl, nowS-float64((n*13)%3600))
			fmt.Fprintf(w, "backup_asset_last_duration_seconds{%s} %d\n", lbl, 60+n%3600)
			fmt.Fprintf(w, "backup_asset_last_seen_timestamp_seconds{%s} %g\n", lbl, nowS-float64((n*11)%3600))
			fmt.Fprintf(w, "backup_asset_last_status{asset_id=\"%s\",status=\"%s\",target=\"%s\",vendor=\"%s\"} 1\n", id, status, ven.vendor, ven.vendor)
			if !never {
				fmt.Fprintf(w, "backup_asset_last_success_timestamp_seconds{%s} %g\n", lbl, lastSuccess)
			}
			fmt.Fprintf(w, "backup_asset_last_transferred_bytes{%s} %g\n", lbl, transferred)
			fmt.Fprintf(w, "backup_asset_protected{%s} %d\n", lbl, map[bool]int{true: 1}[protected])
			fmt.Fprintf(w, "backup_asset_rpo_seconds{%s} %g\n", lbl, rpo)
			fmt.Fprintf(w, "backup_asset_size_bytes{%s} %g\n", lbl, size)
			if n%10 == 0 { // restore tests opted in for a tenth
				fmt.Fprintf(w, "backup_asset_restore_test_interval_seconds{%s} %d\n", lbl, 30*86400)
				fmt.Fprintf(w, "backup_asset_last_restore_timestamp_seconds{%s} %g\n", lbl, nowS-float64((n*101)%(20*86400)))
			}
			k := summaryKey{ven.vendor, tenant, assetType}
			s := sums[k]
			if s == nil {
				s = &summary{status: map[string]int{}, oldest: nowS}
				sums[k] = s
			}
			s.status[status]++
			if protected {
				s.protected++
				if never {
					s.neverSucc++
					s.rpoViolated++
				} else {
					s.oldest = min(s.oldest, lastSuccess)
					if nowS-lastSuccess > rpo {
						s.rpoViolated++
					}
				}
			} else {
				s.unprotected++
			}
			s.usedBytes += size
			s.transferred += transferred
		}
	}
	keys := make([]summaryKey, 0, len(sums))
	for k := range sums {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b summaryKey) int {
		return strings.Compare(a.target+a.tenant+a.assetType, b.target+b.tenant+b.assetType)
	})
	used := map[[2]string]float64{}
	for _, k := range keys {
		s := sums[k]
		lbl := fmt.Sprintf(`asset_type="%s",target="%s",tenant="%s",vendor="%s"`, k.assetType, k.target, k.tenant, k.target)
		for _, st := range []string{"aborted", "failed", "missed", "queued", "running", "success", "unknown", "warning"} {
			fmt.Fprintf(w, "backup_assets{asset_type=\"%s\",status=\"%s\",target=\"%s\",tenant=\"%s\",vendor=\"%s\"} %d\n",
				k.assetType, st, k.target, k.tenant, k.target, s.status[st])
		}
		fmt.Fprintf(w, "backup_assets_never_succeeded{%s} %d\n", lbl, s.neverSucc)
		fmt.Fprintf(w, "backup_assets_oldest_last_success_timestamp_seconds{%s} %g\n", lbl, s.oldest)
		fmt.Fprintf(w, "backup_assets_protected{asset_type=\"%s\",protected=\"false\",target=\"%s\",tenant=\"%s\",vendor=\"%s\"} %d\n", k.assetType, k.target, k.tenant, k.target, s.unprotected)
		fmt.Fprintf(w, "backup_assets_protected{asset_type=\"%s\",protected=\"true\",target=\"%s\",tenant=\"%s\",vendor=\"%s\"} %d\n", k.assetType, k.target, k.tenant, k.target, s.protected)
		fmt.Fprintf(w, "backup_assets_rpo_violated{%s} %d\n", lbl, s.rpoViolated)
		used[[2]string{k.target, k.tenant}] += s.usedBytes
	}
	for _, ven := range estateVendors {
		lbl := fmt.Sprintf(`target="%s",vendor="%s"`, ven.vendor, ven.vendor)
		fmt.Fprintf(w, "backup_up{%s} 1\n", lbl)
		for _, c := range []string{"alerts", "assets", "jobs", "monitors", "storage"} {
			fmt.Fprintf(w, "backup_collector_success{collector=\"%s\",%s} 1\n", c, lbl)
		}
		fmt.Fprintf(w, "backup_refresh_duration_seconds{%s} 4.2\n", lbl)
		fmt.Fprintf(w, "backup_snapshot_timestamp_seconds{%s} %g\n", lbl, nowS)
		fmt.Fprintf(w, "backup_cache_ttl_seconds{%s} 60\n", lbl)
		for _, jt := range []string{"backup", "restore"} {
			for _, st := range []string{"aborted", "failed", "missed", "success", "warning"} {
				fmt.Fprintf(w, "backup_jobs_recent{job_type=\"%s\",status=\"%s\",%s} %d\n", jt, st, lbl, perVendor/20)
				fmt.Fprintf(w, "backup_jobs_total{job_type=\"%s\",status=\"%s\",%s} %d\n", jt, st, lbl, perVendor)
			}
			fmt.Fprintf(w, "backup_jobs_running{job_type=\"%s\",%s} %d\n", jt, lbl, perVendor/100)
		}
		for _, sev := range []string{"critical", "warning"} {
			fmt.Fprintf(w, "backup_alerts_active{alert_type=\"policy\",severity=\"%s\",%s} 0\n", sev, lbl)
		}
		for tn := range tenants {
			tenant := fmt.Sprintf("tenant-%03d", tn)
			u, ok := used[[2]string{ven.vendor, tenant}]
			if !ok {
				continue
			}
			scope := fmt.Sprintf(`scope="tenant",scope_id="%s",scope_name="%s",%s`, tenant, tenant, lbl)
			fmt.Fprintf(w, "backup_storage_used_bytes{%s} %g\n", scope, u)
			fmt.Fprintf(w, "backup_storage_limit_bytes{%s} %g\n", scope, 4*u)
		}
	}
	_ = w.Flush()
	return &estate{assets: perVendor * len(estateVendors), tenants: tenants, text: b.Bytes()}
}

// exposedLabelSets maps each family of an exposition to its label names.
func exposedLabelSets(text []byte) map[string]string {
	out := map[string]string{}
	labelName := regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)="`)
	sc := bufio.NewScanner(bytes.NewReader(text))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		name, rest, _ := strings.Cut(line, "{")
		if i := strings.IndexByte(name, ' '); i >= 0 {
			name, rest = name[:i], ""
		}
		if _, ok := out[name]; ok {
			continue
		}
		var names []string
		for _, m := range labelName.FindAllStringSubmatch(rest, -1) {
			names = append(names, m[1])
		}
		slices.Sort(names)
		out[name] = strings.Join(names, ",")
	}
	return out
}

// checkAgainstGolden fails the test if a family of the estate is not in
// collector/testdata's golden files with the same label names: the run must
// load the series the exporter serves, and a rename must break it loudly.
func checkAgainstGolden(t *testing.T, e *estate) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repoRoot, "collector", "testdata", "*.prom"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	golden := map[string]map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for name, labels := range exposedLabelSets(b) {
			if golden[name] == nil {
				golden[name] = map[string]bool{}
			}
			golden[name][labels] = true
		}
	}
	for name, labels := range exposedLabelSets(e.text) {
		if !golden[name][labels] {
			t.Errorf("the estate serves %s{%s}, which no golden file under collector/testdata has", name, labels)
		}
	}
}
