package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoticeNamesLinkedNotices keeps NOTICE complete: Apache-2.0 (section
// 4(d)) asks whoever redistributes a work to pass on the attributions of its
// NOTICE file, so every module linked into the binary, on any platform the
// release builds for, that has a NOTICE file must be named in ours by its
// module path. A dependency that brings a NOTICE fails here until it is.
func TestNoticeNamesLinkedNotices(t *testing.T) {
	notice := string(mustRead(t, "NOTICE"))
	named := map[string]bool{}
	for _, goos := range []string{"linux", "darwin", "windows"} {
		cmd := exec.Command("go", "list", "-deps", "-f", "{{with .Module}}{{.Path}}\t{{.Dir}}{{end}}", ".")
		cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=0")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list (GOOS=%s): %v", goos, err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			path, dir, _ := strings.Cut(line, "\t")
			if dir == "" || named[path] {
				continue
			}
			named[path] = true
			if _, err := os.Stat(filepath.Join(dir, "NOTICE")); err != nil {
				continue
			}
			if !strings.Contains(notice, path) {
				t.Errorf("%s (linked on %s) has a NOTICE file that NOTICE does not attribute: add its notice, naming the module", path, goos)
			}
		}
	}
	if len(named) == 0 {
		t.Fatal("go list found no modules")
	}
}
