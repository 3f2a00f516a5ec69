package helm

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/backup-exporter/backup_exporter/config"
)

// onlyDeployment returns the one Deployment of r.
func onlyDeployment(t *testing.T, r rendered) *appsv1.Deployment {
	t.Helper()
	if len(r.deployments) != 1 {
		t.Fatalf("%d Deployments, want 1", len(r.deployments))
	}
	for _, d := range r.deployments {
		return d
	}
	return nil
}

// exporterContainer returns the one container of d.
func exporterContainer(t *testing.T, d *appsv1.Deployment) corev1.Container {
	t.Helper()
	if n := len(d.Spec.Template.Spec.Containers); n != 1 {
		t.Fatalf("Deployment %s: %d containers, want 1", d.Name, n)
	}
	return d.Spec.Template.Spec.Containers[0]
}

// TestDefaults renders the default values: a Deployment, its ConfigMap and
// Service, nothing that needs prometheus-operator, and the exporter wired to
// its config and its Secret.
func TestDefaults(t *testing.T) {
	r := render(t)
	if len(r.serviceMonitors)+len(r.prometheusRules) != 0 {
		t.Error("prometheus-operator objects rendered by default")
	}
	if len(r.configMaps) != 1 {
		t.Errorf("ConfigMaps %v, want only the config's (the dashboards are off by default)", keys(r.configMaps))
	}
	d := onlyDeployment(t, r)
	checkSecurity(t, d)
	c := exporterContainer(t, d)
	wantArgs := []string{
		"--config.file=/etc/backup_exporter/config/exporter.yml",
		"--web.listen-address=:9860",
		"--web.health-listen-address=:9861",
		"--log.level=info",
		"--log.format=logfmt",
	}
	if !slices.Equal(c.Args, wantArgs) {
		t.Errorf("args %q, want %q", c.Args, wantArgs)
	}
	checkProbe(t, "readiness", c.ReadinessProbe, "/-/ready", "health", corev1.URISchemeHTTP)
	checkProbe(t, "liveness", c.LivenessProbe, "/-/healthy", "health", corev1.URISchemeHTTP)
	if got := containerPorts(c); !reflect.DeepEqual(got, map[string]int32{"http": 9860, "health": 9861}) {
		t.Errorf("container ports %v, want http 9860 and health 9861", got)
	}
	if c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero() || c.Resources.Limits.Memory().IsZero() {
		t.Errorf("resources %+v: want CPU and memory requests and a memory limit", c.Resources)
	}

	cm := r.configMaps["test-backup-exporter"]
	if cm == nil {
		t.Fatalf("no ConfigMap test-backup-exporter; have %v", keys(r.configMaps))
	}
	var values struct {
		Config  string `json:"config"`
		Secrets struct {
			ExistingSecret string   `json:"existingSecret"`
			Keys           []string `json:"keys"`
			MountPath      string   `json:"mountPath"`
		} `json:"secrets"`
	}
	readYAML(t, chartDir+"/values.yaml", &values)
	if got := cm.Data["exporter.yml"]; got != values.Config {
		t.Errorf("exporter.yml in the ConfigMap:\n%s\nwant values.yaml's config:\n%s", got, values.Config)
	}
	checkMount(t, d, "config", "/etc/backup_exporter/config")
	secretVolume := checkMount(t, d, "secrets", values.Secrets.MountPath)
	if secretVolume.Secret == nil || secretVolume.Secret.SecretName != values.Secrets.ExistingSecret {
		t.Fatalf("volume secrets %+v, want Secret %s", secretVolume.VolumeSource, values.Secrets.ExistingSecret)
	}
	var items []string
	for _, it := range secretVolume.Secret.Items {
		if it.Key != it.Path {
			t.Errorf("Secret key %s mounted as %s, want the key's name", it.Key, it.Path)
		}
		items = append(items, it.Key)
	}
	if !slices.Equal(items, values.Secrets.Keys) {
		t.Errorf("Secret keys mounted %v, want %v", items, values.Secrets.Keys)
	}
	// Every *_file of the example config reads a mounted key.
	for _, line := range strings.Split(values.Config, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ": ")
		if !ok || !strings.HasSuffix(k, "_file") {
			continue
		}
		dir, key, _ := strings.Cut(v, values.Secrets.MountPath+"/")
		if dir != "" || !slices.Contains(items, key) {
			t.Errorf("config's %s: %s is not a mounted Secret key", k, v)
		}
	}

	svc := r.services["test-backup-exporter"]
	if svc == nil {
		t.Fatalf("no Service test-backup-exporter; have %v", keys(r.services))
	}
	if !selects(svc.Spec.Selector, d.Spec.Template.Labels) {
		t.Errorf("Service selector %v does not select the pods %v", svc.Spec.Selector, d.Spec.Template.Labels)
	}
	if len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].Port != 9860 || svc.Spec.Ports[0].TargetPort.String() != "http" {
		t.Errorf("Service ports %+v, want 9860 to the pod's http port", svc.Spec.Ports)
	}
}

// checkSecurity asserts the pod's and the container's security context field
// by field: non-root, read-only root filesystem, no capability, no privilege
// escalation, the runtime's seccomp profile, no service account token.
func checkSecurity(t *testing.T, d *appsv1.Deployment) {
	t.Helper()
	pod := d.Spec.Template.Spec
	if pod.AutomountServiceAccountToken == nil || *pod.AutomountServiceAccountToken {
		t.Errorf("%s: automountServiceAccountToken %v, want false", d.Name, pod.AutomountServiceAccountToken)
	}
	ps := pod.SecurityContext
	if ps == nil {
		t.Fatalf("%s: no pod securityContext", d.Name)
	}
	if ps.RunAsNonRoot == nil || !*ps.RunAsNonRoot {
		t.Errorf("%s: pod runAsNonRoot %v, want true", d.Name, ps.RunAsNonRoot)
	}
	if ps.RunAsUser == nil || *ps.RunAsUser == 0 {
		t.Errorf("%s: pod runAsUser %v, want a non-root uid", d.Name, ps.RunAsUser)
	}
	if ps.SeccompProfile == nil || ps.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("%s: pod seccompProfile %+v, want RuntimeDefault", d.Name, ps.SeccompProfile)
	}
	cs := exporterContainer(t, d).SecurityContext
	if cs == nil {
		t.Fatalf("%s: no container securityContext", d.Name)
	}
	if cs.RunAsNonRoot == nil || !*cs.RunAsNonRoot {
		t.Errorf("%s: container runAsNonRoot %v, want true", d.Name, cs.RunAsNonRoot)
	}
	if cs.ReadOnlyRootFilesystem == nil || !*cs.ReadOnlyRootFilesystem {
		t.Errorf("%s: readOnlyRootFilesystem %v, want true", d.Name, cs.ReadOnlyRootFilesystem)
	}
	if cs.AllowPrivilegeEscalation == nil || *cs.AllowPrivilegeEscalation {
		t.Errorf("%s: allowPrivilegeEscalation %v, want false", d.Name, cs.AllowPrivilegeEscalation)
	}
	if cs.Privileged != nil && *cs.Privileged {
		t.Errorf("%s: privileged", d.Name)
	}
	if cs.Capabilities == nil || !slices.Equal(cs.Capabilities.Drop, []corev1.Capability{"ALL"}) || len(cs.Capabilities.Add) != 0 {
		t.Errorf("%s: capabilities %+v, want drop [ALL] and no add", d.Name, cs.Capabilities)
	}
	if cs.SeccompProfile == nil || cs.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("%s: container seccompProfile %+v, want RuntimeDefault", d.Name, cs.SeccompProfile)
	}
}

// checkProbe asserts that p is an HTTP GET of path on the named port.
func checkProbe(t *testing.T, what string, p *corev1.Probe, path, port string, scheme corev1.URIScheme) {
	t.Helper()
	if p == nil || p.HTTPGet == nil {
		t.Fatalf("%s probe %+v, want an HTTP GET", what, p)
	}
	if g := p.HTTPGet; g.Path != path || g.Port.String() != port || g.Scheme != scheme {
		t.Errorf("%s probe GET %s %s on port %s, want %s %s on %s", what, g.Scheme, g.Path, g.Port.String(), scheme, path, port)
	}
}

// containerPorts returns c's ports by name.
func containerPorts(c corev1.Container) map[string]int32 {
	ports := map[string]int32{}
	for _, p := range c.Ports {
		ports[p.Name] = p.ContainerPort
	}
	return ports
}

// checkMount asserts that the container mounts the volume name read-only at
// path, and returns the volume.
func checkMount(t *testing.T, d *appsv1.Deployment, name, path string) corev1.Volume {
	t.Helper()
	i := slices.IndexFunc(exporterContainer(t, d).VolumeMounts, func(m corev1.VolumeMount) bool { return m.Name == name })
	if i < 0 {
		t.Fatalf("%s: volume %s not mounted", d.Name, name)
	}
	if m := exporterContainer(t, d).VolumeMounts[i]; m.MountPath != path || !m.ReadOnly {
		t.Errorf("%s: volume %s mounted at %s (read-only %v), want read-only at %s", d.Name, name, m.MountPath, m.ReadOnly, path)
	}
	j := slices.IndexFunc(d.Spec.Template.Spec.Volumes, func(v corev1.Volume) bool { return v.Name == name })
	if j < 0 {
		t.Fatalf("%s: no volume %s", d.Name, name)
	}
	return d.Spec.Template.Spec.Volumes[j]
}

// TestConfigChangeRollsPods proves the checksum annotation: another config
// gives the pods another template, so Kubernetes rolls them.
func TestConfigChangeRollsPods(t *testing.T) {
	checksum := func(args ...string) string {
		d := onlyDeployment(t, render(t, args...))
		sum := d.Spec.Template.Annotations["checksum/config"]
		if len(sum) != 64 {
			t.Fatalf("checksum/config %q, want a sha256", sum)
		}
		return sum
	}
	before := checksum()
	if after := checksum("--set", "config=targets: []"); after == before {
		t.Error("checksum/config did not change with the config")
	}
	if again := checksum(); again != before {
		t.Error("checksum/config changed with the same config")
	}
}

// TestAllOptions renders testdata/all-options.yaml: two probe shards, web
// config with TLS and basic auth, the ServiceMonitor, the PrometheusRule and
// the dashboards.
func TestAllOptions(t *testing.T) {
	r := render(t, "--values", allOptions)
	var values struct {
		ReplicaCount int `json:"replicaCount"`
		Probe        struct {
			Targets []string `json:"targets"`
			Shards  int      `json:"shards"`
		} `json:"probe"`
		WebConfig struct {
			ExistingSecret string `json:"existingSecret"`
			Key            string `json:"key"`
		} `json:"webConfig"`
		Probes struct {
			HealthPort int `json:"healthPort"`
		} `json:"probes"`
		ServiceMonitor struct {
			JobName   string                       `json:"jobName"`
			TLSConfig *monitoringv1.TLSConfig      `json:"tlsConfig"`
			BasicAuth *monitoringv1.BasicAuth      `json:"basicAuth"`
			Labels    map[string]string            `json:"labels"`
			Relabel   []monitoringv1.RelabelConfig `json:"relabelings"`
		} `json:"serviceMonitor"`
	}
	readYAML(t, allOptions, &values)
	if values.Probe.Shards < 2 || len(values.Probe.Targets) < values.Probe.Shards {
		t.Fatalf("%s should have 2 or more shards and a target for each", allOptions)
	}

	// One Deployment per shard, each selecting only its own pods.
	if len(r.deployments) != values.Probe.Shards {
		t.Fatalf("%d Deployments %v, want one per shard (%d)", len(r.deployments), keys(r.deployments), values.Probe.Shards)
	}
	for shard := range values.Probe.Shards {
		d := r.deployments["test-backup-exporter-shard-"+itoa(shard)]
		if d == nil {
			t.Fatalf("no Deployment for shard %d; have %v", shard, keys(r.deployments))
		}
		if got := d.Spec.Selector.MatchLabels["backup-exporter/shard"]; got != itoa(shard) {
			t.Errorf("%s selects shard %q, want %d", d.Name, got, shard)
		}
		if !selects(d.Spec.Selector.MatchLabels, d.Spec.Template.Labels) {
			t.Errorf("%s: selector %v does not select its pods %v", d.Name, d.Spec.Selector.MatchLabels, d.Spec.Template.Labels)
		}
		if d.Spec.Replicas == nil || int(*d.Spec.Replicas) != values.ReplicaCount {
			t.Errorf("%s: replicas %v, want %d", d.Name, d.Spec.Replicas, values.ReplicaCount)
		}
		checkSecurity(t, d)
		c := exporterContainer(t, d)
		for _, arg := range []string{"--web.probe-only", "--web.config.file=/etc/backup_exporter/web/" + values.WebConfig.Key, "--log.format=json", "--restore-drills.enabled", "--web.health-listen-address=:" + itoa(values.Probes.HealthPort)} {
			if !slices.Contains(c.Args, arg) {
				t.Errorf("%s: args %q lack %s", d.Name, c.Args, arg)
			}
		}
		// Basic auth and TLS guard the main listener; the probes go to
		// the health listener, in plain HTTP with no credentials.
		checkProbe(t, "readiness", c.ReadinessProbe, "/-/ready", "health", corev1.URISchemeHTTP)
		checkProbe(t, "liveness", c.LivenessProbe, "/-/healthy", "health", corev1.URISchemeHTTP)
		for _, p := range []*corev1.Probe{c.ReadinessProbe, c.LivenessProbe} {
			if p.HTTPGet.HTTPHeaders != nil {
				t.Errorf("%s: probe headers %v, want none: the health listener asks for no credentials", d.Name, p.HTTPGet.HTTPHeaders)
			}
		}
		if got := containerPorts(c)["health"]; int(got) != values.Probes.HealthPort {
			t.Errorf("%s: container port health %d, want %d", d.Name, got, values.Probes.HealthPort)
		}
		web := checkMount(t, d, "web-config", "/etc/backup_exporter/web")
		if web.Secret == nil || web.Secret.SecretName != values.WebConfig.ExistingSecret {
			t.Errorf("%s: web-config volume %+v, want Secret %s", d.Name, web.VolumeSource, values.WebConfig.ExistingSecret)
		}
		secrets := checkMount(t, d, "secrets", "/etc/backup_exporter/secrets")
		if secrets.Secret == nil || len(secrets.Secret.Items) != 0 {
			t.Errorf("%s: secrets volume %+v, want every key of the Secret (secrets.keys is empty)", d.Name, secrets.VolumeSource)
		}
	}

	svc := r.services["test-backup-exporter"]
	if svc == nil {
		t.Fatalf("no Service; have %v", keys(r.services))
	}
	if got := svc.Labels["backup-exporter/job"]; got != values.ServiceMonitor.JobName {
		t.Errorf("Service label backup-exporter/job %q, want %q", got, values.ServiceMonitor.JobName)
	}
	for _, d := range r.deployments {
		if !selects(svc.Spec.Selector, d.Spec.Template.Labels) {
			t.Errorf("Service selector %v misses %s's pods", svc.Spec.Selector, d.Name)
		}
	}

	sm := r.serviceMonitors["test-backup-exporter"]
	if sm == nil {
		t.Fatalf("no ServiceMonitor; have %v", keys(r.serviceMonitors))
	}
	if sm.Spec.JobLabel != "backup-exporter/job" || !selects(sm.Spec.Selector.MatchLabels, svc.Labels) {
		t.Errorf("ServiceMonitor jobLabel %q selector %v, want backup-exporter/job and the Service %v", sm.Spec.JobLabel, sm.Spec.Selector.MatchLabels, svc.Labels)
	}
	for k, v := range values.ServiceMonitor.Labels {
		if sm.Labels[k] != v {
			t.Errorf("ServiceMonitor label %s=%q, want %q", k, sm.Labels[k], v)
		}
	}
	checkEndpoints(t, sm.Spec.Endpoints, values.Probe.Targets, values.Probe.Shards, values.ServiceMonitor.Relabel)
	for _, ep := range sm.Spec.Endpoints {
		if ep.Scheme == nil || *ep.Scheme != "https" || ep.Port != "http" {
			t.Errorf("endpoint %s %v: scheme %v port %s, want https on http", ep.Path, ep.Params, ep.Scheme, ep.Port)
		}
		if !reflect.DeepEqual(ep.TLSConfig, values.ServiceMonitor.TLSConfig) || !reflect.DeepEqual(ep.BasicAuth, values.ServiceMonitor.BasicAuth) {
			t.Errorf("endpoint %s %v: tlsConfig %+v basicAuth %+v, want the values'", ep.Path, ep.Params, ep.TLSConfig, ep.BasicAuth)
		}
	}
}

// TestProbesOnMainListener renders probes.healthPort 0: no health listener,
// and the probes go to the main listener with its scheme and
// probes.httpHeaders, as they must when basic auth guards it.
func TestProbesOnMainListener(t *testing.T) {
	headers := []corev1.HTTPHeader{{Name: "Authorization", Value: "Basic a3ViZWxldDpwcm9iZQ=="}}
	r := render(t, "--values", allOptions, "--set", "probes.healthPort=0",
		"--set-json", `probes.httpHeaders=[{"name":"Authorization","value":"Basic a3ViZWxldDpwcm9iZQ=="}]`)
	for _, d := range r.deployments {
		c := exporterContainer(t, d)
		if i := slices.IndexFunc(c.Args, func(a string) bool { return strings.HasPrefix(a, "--web.health-listen-address") }); i >= 0 {
			t.Errorf("%s: args %q open a health listener with probes.healthPort 0", d.Name, c.Args)
		}
		if got := containerPorts(c); !reflect.DeepEqual(got, map[string]int32{"http": 9860}) {
			t.Errorf("%s: container ports %v, want only http", d.Name, got)
		}
		checkProbe(t, "readiness", c.ReadinessProbe, "/-/ready", "http", corev1.URISchemeHTTPS)
		checkProbe(t, "liveness", c.LivenessProbe, "/-/healthy", "http", corev1.URISchemeHTTPS)
		for _, p := range []*corev1.Probe{c.ReadinessProbe, c.LivenessProbe} {
			if !reflect.DeepEqual(p.HTTPGet.HTTPHeaders, headers) {
				t.Errorf("%s: probe headers %v, want %v", d.Name, p.HTTPGet.HTTPHeaders, headers)
			}
		}
	}
}

// checkEndpoints asserts the ServiceMonitor's sharding: one /metrics endpoint
// for the exporter's own metrics on every pod, then one /probe endpoint per
// target, in order, labelled with the target and, when there are several
// shards, kept on the pods of the target's shard only. Every endpoint honours
// the exporter's labels.
func checkEndpoints(t *testing.T, eps []monitoringv1.Endpoint, targets []string, shards int, relabel []monitoringv1.RelabelConfig) {
	t.Helper()
	if len(eps) != 1+len(targets) {
		t.Fatalf("%d endpoints, want 1 + one per target (%d)", len(eps), len(targets))
	}
	// Every endpoint drops the operator's pod label: it differs between
	// replicas and changes at every rollout, which would split the rules'
	// alert identities (an HA pair alerting twice, a rollout restarting
	// every `for` clock), as `instance` would if the rules kept it.
	dropPod := monitoringv1.RelabelConfig{Action: "labeldrop", Regex: "pod"}
	if eps[0].Path != "/metrics" || len(eps[0].Params) != 0 || !reflect.DeepEqual(eps[0].RelabelConfigs, append([]monitoringv1.RelabelConfig{dropPod}, relabel...)) {
		t.Errorf("first endpoint %s %v relabelings %+v, want /metrics on every pod", eps[0].Path, eps[0].Params, eps[0].RelabelConfigs)
	}
	for _, ep := range eps {
		if !ep.HonorLabels {
			t.Errorf("endpoint %s %v: honorLabels %v, want true (the exporter's endpoint label must not become exported_endpoint)", ep.Path, ep.Params, ep.HonorLabels)
		}
	}
	for i, target := range targets {
		ep := eps[1+i]
		if ep.Path != "/probe" || !reflect.DeepEqual(ep.Params, map[string][]string{"target": {target}}) {
			t.Errorf("endpoint %d: %s %v, want /probe?target=%s", 1+i, ep.Path, ep.Params, target)
			continue
		}
		var want []monitoringv1.RelabelConfig
		if shards > 1 {
			want = append(want, monitoringv1.RelabelConfig{
				SourceLabels: []monitoringv1.LabelName{"__meta_kubernetes_pod_label_backup_exporter_shard"},
				Regex:        itoa(i % shards),
				Action:       "keep",
			})
		}
		want = append(want, monitoringv1.RelabelConfig{SourceLabels: []monitoringv1.LabelName{"__param_target"}, TargetLabel: "target"}, dropPod)
		want = append(want, relabel...)
		if !reflect.DeepEqual(ep.RelabelConfigs, want) {
			t.Errorf("target %s: relabelings %+v, want %+v", target, ep.RelabelConfigs, want)
		}
	}
}

// TestProbeTargetsFromConfig: with probe.targets empty, the ServiceMonitor
// probes every target of config, and one Deployment serves them all.
func TestProbeTargetsFromConfig(t *testing.T) {
	r := render(t, "--set", "probe.enabled=true,serviceMonitor.enabled=true")
	sm := r.serviceMonitors["test-backup-exporter"]
	if sm == nil {
		t.Fatalf("no ServiceMonitor; have %v", keys(r.serviceMonitors))
	}
	checkEndpoints(t, sm.Spec.Endpoints, []string{"clumio-us", "cleverfox", "safespring", "cloverdx"}, 1, nil)
	if c := exporterContainer(t, onlyDeployment(t, r)); !slices.Contains(c.Args, "--web.probe-only") {
		t.Errorf("args %q lack --web.probe-only", c.Args)
	}
}

// TestBadInput: values the chart cannot do without make `helm template` fail
// with a message that names the missing value.
func TestBadInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no config", []string{"--set", "config="}, "config: the content of exporter.yml is required"},
		{"keys without Secret", []string{"--set", "secrets.existingSecret="}, "secrets.existingSecret: name the existing Secret that holds secrets.keys (clumio_token, "},
		{"files without Secret", []string{"--set", "secrets.existingSecret=,secrets.keys=null"}, "secrets.existingSecret: config reads files under secrets.mountPath (/etc/backup_exporter/secrets)"},
		{"TLS without Secret", []string{"--set", "webConfig.tls=true"}, "webConfig.existingSecret: webConfig.tls or webConfig.basicAuth is on"},
		{"basic auth on the probed listener without headers", []string{"--set", "webConfig.basicAuth=true,webConfig.existingSecret=web,probes.healthPort=0"}, "probes.httpHeaders: webConfig.basicAuth is on and probes.healthPort is 0"},
		{"probe headers for the health listener", []string{"--set", "probes.httpHeaders[0].name=Authorization,probes.httpHeaders[0].value=x"}, "probes.httpHeaders: the probes go to the health listener (probes.healthPort), which asks for no credentials"},
		{"health port is the service port", []string{"--set", "probes.healthPort=9860"}, "probes.healthPort: 9860 is service.port too"},
		{"health port out of range", []string{"--set", "probes.healthPort=70000"}, "healthPort"},
		{"unknown probe target", []string{"--set", "probe.enabled=true,serviceMonitor.enabled=true,probe.targets={cleverfox,nope}"}, `probe.targets: "nope" is not the name of a target in config (clumio-us, cleverfox, safespring, cloverdx)`},
		{"shards without probe", []string{"--set", "probe.shards=2"}, "probe.shards: more than 1 needs probe.enabled"},
		{"no shard", []string{"--set", "probe.shards=0"}, "probe.shards: 0, want 1 or more"},
		{"job selector with braces", []string{"--set", "prometheusRule.enabled=true", "--set-string", `prometheusRule.jobSelector={job="backups"}`}, "jobSelector"},
		{"misspelt value", []string{"--set", "serviceMonitor.enable=true"}, "at '/serviceMonitor': additional properties 'enable' not allowed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, stderr, err := helmTemplate(t, tc.args...)
			if err == nil {
				t.Fatalf("helm template %v succeeded:\n%s", tc.args, out)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("helm template %v failed with\n%s\nwant the message %q", tc.args, stderr, tc.want)
			}
		})
	}
}

// TestChartVersion: the chart's appVersion is the exporter's VERSION, so the
// default image tag is the release's.
func TestChartVersion(t *testing.T) {
	var chart struct {
		AppVersion string `json:"appVersion"`
	}
	readYAML(t, chartDir+"/Chart.yaml", &chart)
	version, err := os.ReadFile("../../VERSION")
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.TrimSpace(string(version)); chart.AppVersion != want {
		t.Errorf("Chart.yaml appVersion %q, want VERSION's %q", chart.AppVersion, want)
	}
}

func readYAML(t *testing.T, path string, into any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, into); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// selects reports whether every label of selector is in labels.
func selects(selector, labels map[string]string) bool {
	if len(selector) == 0 {
		return false
	}
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func keys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestConfigsAreValid loads the config of values.yaml and of
// testdata/all-options.yaml with the exporter's own loader, each Secret key
// present as a file where the chart mounts it, so that the example a user
// starts from is an exporter.yml the exporter accepts.
func TestConfigsAreValid(t *testing.T) {
	ca, err := os.ReadFile("../../config/testdata/tls/ca.pem")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{chartDir + "/values.yaml", allOptions} {
		t.Run(file, func(t *testing.T) {
			var values struct {
				Config  string `json:"config"`
				Secrets struct {
					MountPath string `json:"mountPath"`
				} `json:"secrets"`
			}
			readYAML(t, file, &values)
			dir := t.TempDir()
			text := strings.ReplaceAll(values.Config, values.Secrets.MountPath+"/", dir+"/")
			for _, line := range strings.Split(text, "\n") {
				_, path, ok := strings.Cut(line, dir+"/")
				if !ok {
					continue
				}
				content := []byte("secret\n")
				if strings.HasSuffix(path, ".pem") {
					content = ca
				}
				if err := os.WriteFile(filepath.Join(dir, path), content, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			env := func(name string) (string, bool) { return "from-env", true }
			if _, warnings, err := config.Parse([]byte(text), file, config.WithLookupEnv(env)); err != nil || len(warnings) != 0 {
				t.Errorf("config: %v, warnings %q", err, warnings)
			}
		})
	}
}
