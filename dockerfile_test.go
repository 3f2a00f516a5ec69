package main

import (
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// dockerArg is an ARG of the Dockerfile, or a --build-arg of a make recipe.
var (
	dockerArg = regexp.MustCompile(`(?m)^ARG (\w+)(=.*)?$`)
	buildArg  = regexp.MustCompile(`--build-arg (\w+)=(\S*)`)
)

// TestDockerBuildIsCoherent checks, with no Docker engine, what make docker
// and make docker-buildx hand the Dockerfile: every build argument it
// declares without a default (the version stamps, which the build refuses to
// go without) is passed with a value, nothing undeclared is passed, the OCI
// labels read those arguments, and docker-buildx builds for several
// platforms.
func TestDockerBuildIsCoherent(t *testing.T) {
	makePath, err := exec.LookPath("make")
	if err != nil {
		t.Skip("make is not installed")
	}
	dockerfile := string(mustRead(t, "Dockerfile"))
	declared := map[string]bool{}
	var required []string
	for _, m := range dockerArg.FindAllStringSubmatch(dockerfile, -1) {
		name := m[1]
		declared[name] = true
		// BuildKit sets the TARGET* arguments for each platform built.
		if m[2] == "" && !strings.HasPrefix(name, "TARGET") && !slices.Contains(required, name) {
			required = append(required, name)
		}
	}
	for _, want := range []string{"VERSION", "REVISION", "BRANCH", "BUILD_DATE"} {
		if !slices.Contains(required, want) {
			t.Errorf("the Dockerfile does not take %s as a build argument without default", want)
		}
	}

	for _, target := range []string{"docker", "docker-buildx"} {
		cmd := exec.Command(makePath, "-n", "--no-print-directory", target)
		cmd.Env = withoutEnv(os.Environ(), "MAKEFLAGS", "MAKELEVEL", "MFLAGS")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("make -n %s: %v\n%s", target, err, out)
		}
		passed := map[string]string{}
		for _, m := range buildArg.FindAllStringSubmatch(string(out), -1) {
			passed[m[1]] = m[2]
			if !declared[m[1]] {
				t.Errorf("make %s passes --build-arg %s, which the Dockerfile does not declare", target, m[1])
			}
		}
		for _, name := range required {
			if passed[name] == "" {
				t.Errorf("make %s does not pass the build argument %s", target, name)
			}
		}
		if version := strings.TrimSpace(string(mustRead(t, "VERSION"))); passed["VERSION"] != version {
			t.Errorf("make %s passes VERSION=%s, want VERSION's %s", target, passed["VERSION"], version)
		}
		if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`).MatchString(passed["BUILD_DATE"]) {
			t.Errorf("make %s passes BUILD_DATE=%s, want RFC 3339 for the OCI created label", target, passed["BUILD_DATE"])
		}
		if target == "docker-buildx" && !regexp.MustCompile(`--platform \S+,\S+`).Match(out) {
			t.Errorf("make docker-buildx builds for one platform only:\n%s", out)
		}
	}

	for label, arg := range map[string]string{"version": "VERSION", "revision": "REVISION", "created": "BUILD_DATE"} {
		if !strings.Contains(dockerfile, `org.opencontainers.image.`+label+`="${`+arg+`}"`) {
			t.Errorf("the Dockerfile's label org.opencontainers.image.%s does not read ${%s}", label, arg)
		}
	}
	for _, label := range []string{"title", "description", "source", "licenses"} {
		if !strings.Contains(dockerfile, "org.opencontainers.image."+label+"=") {
			t.Errorf("the Dockerfile has no org.opencontainers.image.%s label", label)
		}
	}
}
