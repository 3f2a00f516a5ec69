package config

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// testEnv is the environment the test configs see; the values of the
// *_TOKEN and *_KEY variables are secrets.
var testEnv = map[string]string{
	"CLUMIO_EU_TOKEN":   "clumio-env-token-d00d42",
	"CLEVERFOX_URL":     "https://cleverfox.example.com",
	"CLEVERFOX_API_KEY": "cleverfox-env-key-c0ffee",
}

func lookupTestEnv(name string) (string, bool) {
	v, ok := testEnv[name]
	return v, ok
}

func TestLoadGood(t *testing.T) {
	cfg, warnings, err := Load("testdata/good.yml", WithLookupEnv(lookupTestEnv))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}

	defaults := Settings{
		Timeout:           45 * time.Second,
		CacheTTL:          2 * time.Minute,
		InventoryTTL:      20 * time.Minute,
		ServeStaleFor:     30 * time.Minute,
		MaxConcurrency:    6,
		RequestsPerSecond: 2.5,
		Lookback:          12 * time.Hour,
		History:           14 * 24 * time.Hour,
		RPO:               25 * time.Hour,
		PageSize:          200,
		MaxAssets:         10000,
		MaxResponseBytes:  16 << 20,
		MaxRetries:        2,
		AssetMetrics:      AssetMetricsFull,
	}
	// with returns the defaults with some settings overridden.
	with := func(change func(*Settings)) Settings {
		s := defaults
		change(&s)
		return s
	}
	want := []Target{
		{
			Name:     "clumio-us",
			Vendor:   VendorClumio,
			URL:      "https://us-west-2.api.clumio.com",
			Settings: with(func(s *Settings) { s.Timeout = 90 * time.Second; s.MaxConcurrency = 8; s.RPO = 24 * time.Hour }),
			TLS: TLSConfig{
				CAFile:     "testdata/tls/ca.pem",
				CertFile:   "testdata/tls/client.pem",
				KeyFile:    "testdata/tls/client-key.pem",
				ServerName: "api.clumio.com",
				MinVersion: "TLS13",
			},
			ProxyURL: "http://proxy.example.com:3128",
			RPOOverrides: []RPOOverride{
				{Match: RPOMatch{AssetType: "aws_rds_resource"}, RPO: model.Duration(6 * time.Hour)},
				{Match: RPOMatch{Tenant: "123456789012", Asset: "prod-db", AssetID: "i-0abc"}, RPO: model.Duration(90 * time.Minute)},
			},
			Include:            AssetFilter{Tenants: []string{"123456789012"}, AssetTypes: []string{"aws_ec2_instance", "aws_rds_resource"}},
			Exclude:            AssetFilter{Tenants: []string{"999999999999"}, AssetTypes: []string{"aws_s3_bucket"}},
			BearerToken:        "clumio-file-token-7f3a9e",
			OrganizationalUnit: "ou-1234",
		},
		{
			Name:        "clumio-eu",
			Vendor:      VendorClumio,
			URL:         "https://eu-central-1.api.clumio.com",
			Settings:    defaults,
			BearerToken: "clumio-env-token-d00d42",
			RestoreDrills: []RestoreDrill{
				{Name: "s3-weekly", ProtectionGroup: "finance-buckets", Every: model.Duration(7 * 24 * time.Hour),
					EndpointTTL: model.Duration(6 * time.Hour), Timeout: model.Duration(20 * time.Minute)},
				{Name: "s3_daily", ProtectionGroup: "0b2c6f4e-7d7b-4f4e-9d4a-2f7c1b3e5a6d", Every: model.Duration(24 * time.Hour),
					EndpointTTL: model.Duration(DefaultDrillEndpointTTL), Timeout: model.Duration(DefaultDrillTimeout)},
			},
		},
		{
			Name:   "cleverfox",
			Vendor: VendorCleverFox,
			URL:    "https://cleverfoxbackup.com/api",
			Settings: with(func(s *Settings) {
				s.CacheTTL = 5 * time.Minute
				s.InventoryTTL = 30 * time.Minute
				s.PageSize = 50
				s.RequestsPerSecond = 0
			}),
			APIKey: "cleverfox-file-key-91bc4d",
		},
		{
			Name:     "cleverfox-env",
			Vendor:   VendorCleverFox,
			URL:      "https://cleverfox.example.com/api",
			Settings: defaults,
			APIKey:   "cleverfox-env-key-c0ffee",
		},
		{
			Name:          "safespring",
			Vendor:        VendorCloutility,
			URL:           "https://portal-api.backup.sto2.safedc.net",
			Settings:      with(func(s *Settings) { s.Lookback = 48 * time.Hour; s.History = 35 * 24 * time.Hour; s.MaxRetries = 0 }),
			TLS:           TLSConfig{InsecureSkipVerify: true},
			ClientID:      "my-client-id",
			Origin:        "https://monitoring.example.com",
			Username:      "monitor@example.com",
			Password:      "inline-cloutility-password-e4e4",
			BusinessUnits: []string{"42", "17"},
			RestoreTests: []RestoreTest{
				{Match: RPOMatch{Tenant: "Finance", AssetType: "cloutility_node"}, Every: model.Duration(30 * 24 * time.Hour)},
				{Match: RPOMatch{Asset: "fileserver", AssetID: "408"}, Every: model.Duration(DefaultRestoreTestEvery)},
			},
		},
		{
			Name:   "cloverdx",
			Vendor: VendorCloverDX,
			URL:    "https://etl.example.com/clover",
			Settings: with(func(s *Settings) {
				s.ServeStaleFor = 0
				s.MaxAssets = 500
				s.MaxResponseBytes = 1 << 20
				s.AssetMetrics = AssetMetricsSummary
			}),
			Username: "monitor$etl",
			Password: "cloverdx-file-password-55d0aa",
		},
	}

	// Where each target's request budget was set, for the warning at run
	// time that it cannot keep up with the estate.
	for i := range want {
		want[i].BudgetKey = "testdata/good.yml:11: defaults.requests_per_second"
	}
	want[2].BudgetKey = "testdata/good.yml:66: targets[2].requests_per_second"

	if cfg.File != "testdata/good.yml" {
		t.Errorf("File = %q", cfg.File)
	}
	if cfg.Defaults != defaults {
		t.Errorf("Defaults:\n got %+v\nwant %+v", cfg.Defaults, defaults)
	}
	if len(cfg.Targets) != len(want) {
		t.Fatalf("got %d targets, want %d", len(cfg.Targets), len(want))
	}
	for i, w := range want {
		got := cfg.Targets[i]
		// Compare field by field so that a failure names the field; %#v
		// shows secrets, which are test values here.
		gv, wv := reflect.ValueOf(got), reflect.ValueOf(w)
		for f := range gv.NumField() {
			if !reflect.DeepEqual(gv.Field(f).Interface(), wv.Field(f).Interface()) {
				t.Errorf("targets[%d] %s:\n got %#v\nwant %#v", i, gv.Type().Field(f).Name, gv.Field(f).Interface(), wv.Field(f).Interface())
			}
		}
	}

	wantWarnings := []string{
		"testdata/good.yml:79: targets[4].password: secret written inline; prefer password_file or ${ENV}",
		"testdata/good.yml:84: targets[4].tls_config.insecure_skip_verify: certificate verification is off; prefer ca_file",
		"testdata/good.yml:88: targets[4].restore_tests[1]: every 90d is longer than history 5w: after a restart, restores older than history are not read, so the assets look untested; raise history to at least 90d",
	}
	if !reflect.DeepEqual(warnings, wantWarnings) {
		t.Errorf("warnings:\n got %q\nwant %q", warnings, wantWarnings)
	}
}

func TestLoadDefaultsOnly(t *testing.T) {
	// A target that sets nothing gets DefaultSettings, and the resolved
	// config is independent of DefaultSettings afterwards.
	cfg, warnings, err := Parse([]byte("targets:\n  - {name: x, vendor: cleverfox, url: 'https://a.example', api_key: '${K}'}\n"),
		"mem.yml", WithLookupEnv(func(string) (string, bool) { return "k", true }))
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 0 {
		t.Errorf("warnings: %q", warnings)
	}
	if cfg.Defaults != DefaultSettings || cfg.Targets[0].Settings != DefaultSettings {
		t.Errorf("got defaults %+v, target %+v; want %+v", cfg.Defaults, cfg.Targets[0].Settings, DefaultSettings)
	}
}

func TestLoadUsesProcessEnvironment(t *testing.T) {
	t.Setenv("BACKUP_EXPORTER_TEST_KEY", "from-process-env")
	cfg, _, err := Parse([]byte("targets:\n  - {name: x, vendor: cleverfox, url: 'https://a.example', api_key: '${BACKUP_EXPORTER_TEST_KEY}'}\n"), "mem.yml")
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Targets[0].APIKey.Reveal(); got != "from-process-env" {
		t.Errorf("api_key = %q", got)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, _, err := Load("testdata/does-not-exist.yml")
	want := "testdata/does-not-exist.yml: cannot read: no such file or directory"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestLoadEmptyFile(t *testing.T) {
	_, _, err := Parse(nil, "empty.yml")
	want := "empty.yml: targets: at least one target is required"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

// TestGoodUsesEveryKey keeps testdata/good.yml a complete example: every key
// of the schema must appear in it.
func TestGoodUsesEveryKey(t *testing.T) {
	data, err := os.ReadFile("testdata/good.yml")
	if err != nil {
		t.Fatal(err)
	}
	l := newLoader("testdata/good.yml", []Option{WithLookupEnv(lookupTestEnv)})
	var raw rawConfig
	l.parse(data, &raw)
	used := map[string]bool{}
	index := regexp.MustCompile(`\[\d+\]`)
	for p := range l.lines {
		used[index.ReplaceAllString(p, "")] = true
	}
	for _, key := range schemaKeys(reflect.TypeFor[rawConfig](), "") {
		if !used[key] {
			t.Errorf("testdata/good.yml has no example of %s", key)
		}
	}
}

// schemaKeys lists the key paths of a raw type, lists flattened.
func schemaKeys(t reflect.Type, prefix string) []string {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	fields, names := structFields(t)
	var keys []string
	for _, n := range names {
		p := join(prefix, n)
		keys = append(keys, p)
		keys = append(keys, schemaKeys(t.FieldByIndex(fields[n]).Type, p)...)
	}
	return keys
}

func TestLoadInvalid(t *testing.T) {
	tests := []struct {
		file string
		want []string // each problem, without the "testdata/invalid-<file>.yml:" prefix
	}{
		{"yaml", []string{`4: invalid YAML: mapping values are not allowed in this context`}},
		{"multiple-documents", []string{`6: only one YAML document is allowed`}},
		{"unknown-key", []string{
			`2: targets[0].bearer_token: required (or bearer_token_file)`,
			`5: targets[0].bearer_tokn: unknown key (did you mean bearer_token?)`,
		}},
		{"unknown-top-key", []string{`1: default: unknown key (did you mean defaults?)`}},
		{"duplicate-key", []string{`7: targets[0].timeout: duplicate key (first at line 6)`}},
		{"merge-key", []string{
			`1: common: unknown key`,
			`4: targets[0].<<: merge keys are not supported; repeat the keys or set them in defaults`,
		}},
		{"duration", []string{`8: targets[0].cache_ttl: invalid duration "5x"`}},
		{"integer", []string{`2: defaults.max_concurrency: invalid integer "four"`}},
		{"number", []string{`6: targets[0].requests_per_second: invalid number ".inf"`}},
		{"boolean", []string{`7: targets[0].tls_config.insecure_skip_verify: invalid boolean "maybe"`}},
		{"targets-not-list", []string{`1: targets: expected a list, got a mapping`}},
		{"string-is-list", []string{`2: targets[0].name: expected a string, got a list`}},
		{"no-targets", []string{`1: targets: at least one target is required`}},
		{"name-missing", []string{`2: targets[0].name: required`}},
		{"name-duplicate", []string{`6: targets[1].name: duplicate name "backup" (first at targets[0], line 2)`}},
		{"name-too-long", []string{`2: targets[0].name: longer than 100 characters`}},
		{"vendor-unknown", []string{`3: targets[0].vendor: unknown vendor "clumo" (did you mean clumio?)`}},
		{"vendor-missing", []string{`2: targets[0].vendor: required (one of clumio, cleverfox, cloutility or cloverdx)`}},
		{"url-missing", []string{`2: targets[0].url: required`}},
		{"url-scheme", []string{`4: targets[0].url: scheme must be http or https, got "ftp"`}},
		{"url-relative", []string{`4: targets[0].url: scheme must be http or https, got ""`}},
		{"proxy-url", []string{`6: targets[0].proxy_url: invalid URL: missing ']' in host`}},
		{"not-positive", []string{
			`2: defaults.timeout: must be positive, got 0s`,
			`3: defaults.cache_ttl: must be positive, got 0s`,
			`4: defaults.max_concurrency: must be positive, got 0`,
			`10: targets[0].page_size: must be positive, got 0`,
			`11: targets[0].max_assets: must be positive, got -1`,
			`12: targets[0].max_response_bytes: must be positive, got 0`,
			`13: targets[0].rpo: must be positive, got 0s`,
		}},
		{"negative", []string{
			`6: targets[0].max_retries: must not be negative, got -1`,
			`7: targets[0].requests_per_second: must not be negative, got -0.5`,
		}},
		{"restore-test", []string{
			`11: targets[0].restore_tests[0].every: must be positive, got 0s`,
			`12: targets[0].restore_tests[1].match.tennant: unknown key (did you mean tenant?)`,
		}},
		{"restore-drill", []string{
			`9: targets[0].restore_drills[0].every: 30m is shorter than 1h: drills create endpoints, run them at most hourly`,
			`10: targets[0].restore_drills[0].endpoint_ttl: 8d is longer than 1w: a drill's endpoint must expire within a week`,
			`11: targets[0].restore_drills[1].name: duplicate drill name "hourly" (first at restore_drills[0])`,
			`11: targets[0].restore_drills[1].protection_group: required (the protection group's id or name)`,
			`13: targets[0].restore_drills[1].timeout: must be positive, got 0s`,
			`14: targets[0].restore_drills[2].name: "bad name": use letters, digits, '-' and '_' only (it names the drill's endpoints)`,
			`14: targets[0].restore_drills[2].every: required (at least 1h)`,
			`20: targets[1].restore_drills: not a cleverfox key (restore_drills is for clumio)`,
		}},
		{"lookback-history", []string{`2: defaults.lookback: 2d is longer than history 1d`}},
		{"history-override", []string{`8: targets[0].history: 1d is shorter than lookback 2d`}},
		{"inventory-ttl", []string{`3: defaults.inventory_ttl: 2m is shorter than cache_ttl 5m`}},
		{"cache-ttl-inventory", []string{`8: targets[0].cache_ttl: 20m is longer than inventory_ttl 10m; set inventory_ttl too`}},
		{"foreign-key", []string{
			`6: targets[0].api_key: not a clumio key (api_key is for cleverfox)`,
			`7: targets[0].username: not a clumio key (username is for cloutility or cloverdx)`,
		}},
		{"secret-both", []string{`7: targets[0].password_file: password and password_file are both set; keep one`}},
		{"secret-missing", []string{`2: targets[0].bearer_token: required (or bearer_token_file)`}},
		{"secret-empty", []string{`5: targets[0].api_key: must not be empty`}},
		{"secret-file-missing", []string{`5: targets[0].bearer_token_file: cannot read secret file "testdata/secrets/missing": no such file or directory`}},
		{"secret-file-empty", []string{`5: targets[0].bearer_token_file: secret file "testdata/secrets/empty" is empty`}},
		{"env-unset", []string{`5: targets[0].bearer_token: environment variable CLUMIO_TOKEN_UNSET is not set`}},
		{"env-unterminated", []string{`4: targets[0].url: unterminated ${ (write $$ for a literal $)`}},
		{"env-name", []string{`4: targets[0].url: invalid environment variable name "1URL" in ${...} (write $$ for a literal $)`}},
		{"cloutility-missing", []string{
			`2: targets[0].client_id: required`,
			`2: targets[0].username: required`,
			`2: targets[0].password: required (or password_file)`,
			`5: targets[0].origin: must not be empty`,
		}},
		{"cloverdx-missing", []string{`2: targets[0].username: required`}},
		{"business-units", []string{
			`9: targets[0].business_units[2]: expected a string, got a mapping`,
			`9: targets[0].business_units[1]: must not be empty`,
		}},
		{"asset-metrics", []string{
			`2: defaults.asset_metrics: unknown mode "healthy" (want full, unhealthy or summary)`,
			`7: targets[0].asset_metrics: unknown mode "" (want full, unhealthy or summary)`,
		}},
		{"tls-min-version", []string{`7: targets[0].tls_config.min_version: unknown version "SSL3" (want TLS10, TLS11, TLS12 or TLS13)`}},
		{"tls-cert-without-key", []string{`7: targets[0].tls_config.cert_file: set without key_file`}},
		{"tls-ca-missing", []string{`7: targets[0].tls_config.ca_file: cannot open "testdata/tls/missing-ca.pem": no such file or directory`}},
		{"rpo-override", []string{
			`7: targets[0].rpo_overrides[0].rpo: required`,
			`9: targets[0].rpo_overrides[1].rpo: must be positive, got 0s`,
			`10: targets[0].rpo_overrides[2].match.tennant: unknown key (did you mean tenant?)`,
		}},
		{"filter", []string{
			`6: targets[0].include.tenants[0]: must not be empty`,
			`7: targets[0].exclude.asset_type: unknown key (did you mean asset_types?)`,
		}},
		{"many", []string{
			`3: defaults.timeout: invalid duration "soon"`,
			`5: targets[0].bearer_token: required (or bearer_token_file)`,
			`8: targets[1].name: duplicate name "clumio" (first at targets[0], line 5)`,
			`12: targets[1].page_sise: unknown key (did you mean page_size?)`,
		}},
	}
	tested := map[string]bool{}
	for _, tt := range tests {
		file := "testdata/invalid-" + tt.file + ".yml"
		tested[file] = true
		t.Run(tt.file, func(t *testing.T) {
			cfg, _, err := Load(file, WithLookupEnv(lookupTestEnv))
			if err == nil {
				t.Fatal("Load succeeded")
			}
			if cfg != nil {
				t.Error("Load returned a config along with errors")
			}
			want := make([]string, len(tt.want))
			for i, w := range tt.want {
				want[i] = file + ":" + w
			}
			if got := strings.Split(err.Error(), "\n"); !reflect.DeepEqual(got, want) {
				t.Errorf("errors:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(want, "\n     "))
			}
			// Every problem is an *Error that knows its file and line.
			var e *Error
			if !errors.As(err, &e) || e.File != file || e.Line == 0 {
				t.Errorf("first problem %#v lacks a file or line", e)
			}
		})
	}
	files, _ := filepath.Glob("testdata/invalid-*.yml")
	for _, f := range files {
		if !tested[f] {
			t.Errorf("%s has no test case", f)
		}
	}
}

// TestSecretsNeverShown proves that no secret value, whether read from a
// file, the environment or written inline, appears in anything printable.
func TestSecretsNeverShown(t *testing.T) {
	secrets := []string{
		// testdata/secrets/*
		"clumio-file-token-7f3a9e", "cleverfox-file-key-91bc4d", "cloverdx-file-password-55d0aa",
		// testEnv
		"clumio-env-token-d00d42", "cleverfox-env-key-c0ffee",
		// inline in testdata/good.yml and testdata/leaky.yml
		"inline-cloutility-password-e4e4", "inline-leak-key-1234", "inline-leak-password-5678", "inline-leak-list-password-9abc",
	}

	cfg, warnings, err := Load("testdata/good.yml", WithLookupEnv(lookupTestEnv))
	if err != nil {
		t.Fatal(err)
	}
	masked, err := cfg.Masked()
	if err != nil {
		t.Fatal(err)
	}
	_, leakWarnings, leakErr := Load("testdata/leaky.yml", WithLookupEnv(lookupTestEnv))
	// Pinned, so that the file keeps reaching each kind of message.
	wantLeak := strings.Join([]string{
		`testdata/leaky.yml:7: targets[0].bearer_token_file: bearer_token and bearer_token_file are both set; keep one`,
		`testdata/leaky.yml:8: targets[0].api_key: not a clumio key (api_key is for cleverfox)`,
		`testdata/leaky.yml:9: targets[0].passwrd: unknown key (did you mean password?)`,
		`testdata/leaky.yml:14: targets[1].password: expected a string, got a list`,
		`testdata/leaky.yml:19: targets[2].timeout: invalid duration from "${CLEVERFOX_API_KEY}"`,
	}, "\n")
	if leakErr == nil || leakErr.Error() != wantLeak {
		t.Fatalf("testdata/leaky.yml:\n got %v\nwant %s", leakErr, wantLeak)
	}
	outputs := map[string]string{
		"Masked":               string(masked),
		"Summary":              cfg.Summary(),
		"warnings":             strings.Join(warnings, "\n"),
		"fmt %+v":              fmt.Sprintf("%+v", cfg),
		"leaky.yml errors":     leakErr.Error(),
		"leaky.yml warnings":   strings.Join(leakWarnings, "\n"),
		"leaky.yml errors %+v": fmt.Sprintf("%+v", leakErr),
		"invalid-*.yml errors": invalidErrors(t),
	}
	for name, out := range outputs {
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("%s shows the secret %q:\n%s", name, s, out)
			}
		}
	}
	if n := strings.Count(string(masked), "<secret>"); n != len(cfg.Targets) {
		t.Errorf("Masked shows %d <secret>, want one per target (%d)", n, len(cfg.Targets))
	}
	var revealed []string
	for _, tg := range cfg.Targets {
		revealed = append(revealed, tg.SecretValues()...)
	}
	if len(revealed) != len(cfg.Targets) {
		t.Errorf("SecretValues gave %d values, want one per target", len(revealed))
	}
}

// invalidErrors joins the errors of every invalid-*.yml.
func invalidErrors(t *testing.T) string {
	files, _ := filepath.Glob("testdata/invalid-*.yml")
	var b strings.Builder
	for _, f := range files {
		if _, _, err := Load(f, WithLookupEnv(lookupTestEnv)); err != nil {
			b.WriteString(err.Error())
		}
	}
	return b.String()
}

func TestMaskedGolden(t *testing.T) {
	cfg, _, err := Load("testdata/good.yml", WithLookupEnv(lookupTestEnv))
	if err != nil {
		t.Fatal(err)
	}
	masked, err := cfg.Masked()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "testdata/good.masked.yml", masked)
	golden(t, "testdata/good.summary.txt", []byte(cfg.Summary()))
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs (go test -update rewrites it):\n got:\n%s\nwant:\n%s", path, got, want)
	}
}

// BenchmarkLoad measures a reload of a config with every key and six targets.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Load("testdata/good.yml", WithLookupEnv(lookupTestEnv)); err != nil {
			b.Fatal(err)
		}
	}
}

// TestLegacyTLSVersionWarns: TLS 1.0/1.1 are accepted for a legacy server,
// with a warning, never silently.
func TestLegacyTLSVersionWarns(t *testing.T) {
	cfg, warnings, err := Parse([]byte("targets:\n  - name: x\n    vendor: cleverfox\n    url: 'https://a.example'\n    api_key: '${K}'\n    tls_config: {min_version: TLS11}\n"), "mem.yml",
		WithLookupEnv(func(string) (string, bool) { return "k", true }))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"mem.yml:6: targets[0].tls_config.min_version: TLS11 is older than TLS 1.2; use it only for a server that cannot do better"}
	if !reflect.DeepEqual(warnings, want) || cfg.Targets[0].TLS.MinVersion != "TLS11" {
		t.Errorf("warnings %q, min_version %q", warnings, cfg.Targets[0].TLS.MinVersion)
	}
}
