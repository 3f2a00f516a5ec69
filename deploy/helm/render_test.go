package helm

import (
	"bytes"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/backup-exporter/backup_exporter/internal/tooltest"
)

// chartDir is the chart under test, relative to this package.
const chartDir = "backup-exporter"

// allOptions turns every option of the chart on.
const allOptions = "testdata/all-options.yaml"

// rendered holds the objects of one `helm template`, decoded strictly, by
// kind and name.
type rendered struct {
	deployments     map[string]*appsv1.Deployment
	services        map[string]*corev1.Service
	configMaps      map[string]*corev1.ConfigMap
	serviceMonitors map[string]*monitoringv1.ServiceMonitor
	prometheusRules map[string]*monitoringv1.PrometheusRule
	// raw holds each object's YAML as rendered, under "Kind/name".
	raw map[string]string
}

// helmTemplate runs `helm template` on the chart with args and returns its
// standard output, or its standard error and exit error when it fails.
func helmTemplate(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cmd := exec.Command(tooltest.Path(t, "helm"), append([]string{"template", "test", chartDir, "--namespace", "monitoring"}, args...)...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

// render runs `helm template` with args and decodes every object strictly.
func render(t *testing.T, args ...string) rendered {
	t.Helper()
	out, stderr, err := helmTemplate(t, args...)
	if err != nil {
		t.Fatalf("helm template %v: %v\n%s", args, err, stderr)
	}
	r, err := decodeAll(out)
	if err != nil {
		t.Fatalf("helm template %v: %v", args, err)
	}
	return r
}

var documentSeparator = regexp.MustCompile(`(?m)^---\s*$`)

// decodeAll decodes every YAML document of a `helm template` output into the
// Kubernetes or prometheus-operator type of its kind, strictly: an unknown,
// misspelt or duplicated field, or a kind the chart should not render, is an
// error.
func decodeAll(out string) (rendered, error) {
	r := rendered{
		deployments:     map[string]*appsv1.Deployment{},
		services:        map[string]*corev1.Service{},
		configMaps:      map[string]*corev1.ConfigMap{},
		serviceMonitors: map[string]*monitoringv1.ServiceMonitor{},
		prometheusRules: map[string]*monitoringv1.PrometheusRule{},
		raw:             map[string]string{},
	}
	for _, doc := range documentSeparator.Split(out, -1) {
		var head struct {
			Kind     string `json:"kind"`
			Metadata struct {
				Name string `json:"name"`
			} `json:"metadata"`
		}
		if err := yaml.Unmarshal([]byte(doc), &head); err != nil {
			return r, fmt.Errorf("document %q: %w", firstLine(doc), err)
		}
		if head.Kind == "" {
			if strings.TrimSpace(stripComments(doc)) != "" {
				return r, fmt.Errorf("document without a kind: %q", firstLine(doc))
			}
			continue
		}
		var err error
		name := head.Metadata.Name
		switch head.Kind {
		case "Deployment":
			err = decodeInto(doc, name, r.deployments)
		case "Service":
			err = decodeInto(doc, name, r.services)
		case "ConfigMap":
			err = decodeInto(doc, name, r.configMaps)
		case "ServiceMonitor":
			err = decodeInto(doc, name, r.serviceMonitors)
		case "PrometheusRule":
			err = decodeInto(doc, name, r.prometheusRules)
		default:
			err = fmt.Errorf("unexpected kind %s", head.Kind)
		}
		if err != nil {
			return r, fmt.Errorf("%s %s: %w", head.Kind, name, err)
		}
		r.raw[head.Kind+"/"+name] = doc
	}
	return r, nil
}

// decodeInto decodes doc strictly into a new T and files it under name.
func decodeInto[T any](doc, name string, into map[string]*T) error {
	obj := new(T)
	if err := yaml.UnmarshalStrict([]byte(doc), obj); err != nil {
		return err
	}
	if _, dup := into[name]; dup {
		return fmt.Errorf("rendered twice")
	}
	into[name] = obj
	return nil
}

func stripComments(doc string) string {
	var b strings.Builder
	for _, line := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

func firstLine(doc string) string {
	doc = strings.TrimSpace(doc)
	if i := strings.IndexByte(doc, '\n'); i >= 0 {
		return doc[:i]
	}
	return doc
}

// TestDecodeAllIsStrict proves that the strict decoding catches what it is
// for: a misspelt field and a kind the chart does not render.
func TestDecodeAllIsStrict(t *testing.T) {
	for _, tc := range []struct{ name, doc, want string }{
		{"misspelt field", "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {prots: []}\n", `unknown field "prots"`},
		{"field at the wrong level", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {template: {spec: {containers: [{name: c, readOnlyRootFilesystem: true}]}}}\n", `unknown field "readOnlyRootFilesystem"`},
		{"CRD field", "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: x}\nspec: {endpoints: [{port: http, param: {}}]}\n", `unknown field "param"`},
		{"duplicate key", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: b, a: c}\n", `key "a" already set`},
		{"unknown kind", "apiVersion: v1\nkind: Secret\nmetadata: {name: x}\n", "unexpected kind Secret"},
	} {
		_, err := decodeAll("---\n" + tc.doc)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
	if _, err := decodeAll("---\n# Source: x\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: b}\n"); err != nil {
		t.Errorf("a good ConfigMap: %v", err)
	}
}

// TestLint runs `helm lint --strict` with the default values and with every
// option on.
func TestLint(t *testing.T) {
	tooltest.Run(t, "helm", "lint", "--strict", chartDir)
	tooltest.Run(t, "helm", "lint", "--strict", chartDir, "--values", allOptions)
}
