package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"debug/elf"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// TestReleaseArchive builds this machine's release archive through the
// recipe `make release` uses for every platform (make release-archive), and
// checks what a user unpacks: the directory backup_exporter-VERSION.OS-ARCH/
// holding exactly the binary, LICENSE, NOTICE and the example exporter.yml,
// a static binary without the build machine's paths, whose --version names
// VERSION and the commit. The other platforms differ only in GOOS/GOARCH.
func TestReleaseArchive(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the exporter")
	}
	makePath, err := exec.LookPath("make")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("make is needed to build the release archive")
		}
		t.Skip("make is not installed")
	}
	version := strings.TrimSpace(string(mustRead(t, "VERSION")))
	platform := runtime.GOOS + "-" + runtime.GOARCH
	if runtime.GOARCH == "arm" {
		platform = runtime.GOOS + "-armv7"
	}
	name := "backup_exporter-" + version + "." + platform
	archive := name + ".tar.gz"
	if runtime.GOOS == "windows" {
		archive = name + ".zip"
	}

	dist := t.TempDir()
	cmd := exec.Command(makePath, "--no-print-directory", "release-archive", "RELEASE_DIR="+dist, "PLATFORM="+platform)
	// A make above this test (make unit) must not pass its variables down:
	// the archive is built from VERSION as a user's make would.
	cmd.Env = withoutEnv(os.Environ(), "MAKEFLAGS", "MAKELEVEL", "MFLAGS")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make release-archive: %v\n%s", err, out)
	}

	files := readArchive(t, filepath.Join(dist, archive))
	binary := "backup_exporter"
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	want := []string{name + "/", name + "/LICENSE", name + "/NOTICE", name + "/" + binary, name + "/exporter.yml"}
	var got []string
	for _, f := range files {
		got = append(got, f.name)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("%s holds %q, want %q", archive, got, want)
	}
	for _, doc := range []string{"LICENSE", "NOTICE", "exporter.yml"} {
		if !bytes.Equal(files.data(name+"/"+doc), mustRead(t, doc)) {
			t.Errorf("%s/%s differs from the repository's %s", name, doc, doc)
		}
	}
	exe := files.find(name + "/" + binary)
	if exe.mode.Perm() != 0o755 {
		t.Errorf("%s has mode %v, want 0755", binary, exe.mode)
	}

	bin := filepath.Join(t.TempDir(), binary)
	if err := os.WriteFile(bin, exe.data, 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("%s --version: %v\n%s", binary, err, out)
	}
	if first, _, _ := strings.Cut(string(out), "\n"); !strings.HasPrefix(first, "backup_exporter, version "+version+" (") {
		t.Errorf("--version says %q, want version %s", first, version)
	}
	if rev, err := exec.Command("git", "rev-parse", "HEAD").Output(); err == nil {
		if !strings.Contains(string(out), "revision: "+strings.TrimSpace(string(rev))) {
			t.Errorf("--version does not name the commit %s:\n%s", rev, out)
		}
	}
	if !regexp.MustCompile(`(?m)^\s*platform:\s+` + runtime.GOOS + "/" + runtime.GOARCH + "$").Match(out) {
		t.Errorf("--version does not name the platform %s/%s:\n%s", runtime.GOOS, runtime.GOARCH, out)
	}

	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(exe.data, []byte(wd)) {
		t.Errorf("the binary holds the build directory %s: not built with -trimpath", wd)
	}
	if runtime.GOOS == "linux" {
		f, err := elf.NewFile(bytes.NewReader(exe.data))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				t.Error("the binary asks for a dynamic loader: not static (CGO_ENABLED=0)")
			}
		}
	}
}

// archived is one entry of a release archive.
type archived struct {
	name string
	mode fs.FileMode
	data []byte
}

// archiveEntries are an archive's entries in their order.
type archiveEntries []archived

func (e archiveEntries) find(name string) archived {
	for _, a := range e {
		if a.name == name {
			return a
		}
	}
	return archived{}
}

func (e archiveEntries) data(name string) []byte { return e.find(name).data }

// readArchive reads a .tar.gz or a .zip whole.
func readArchive(t *testing.T, path string) archiveEntries {
	t.Helper()
	raw := mustRead(t, path)
	var entries archiveEntries
	if strings.HasSuffix(path, ".zip") {
		zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			data, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
			entries = append(entries, archived{f.Name, f.Mode(), data})
		}
		return entries
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return entries
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, archived{hdr.Name, hdr.FileInfo().Mode(), data})
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// withoutEnv returns env less the variables named.
func withoutEnv(env []string, names ...string) []string {
	var out []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		drop := false
		for _, n := range names {
			drop = drop || name == n
		}
		if !drop {
			out = append(out, kv)
		}
	}
	return out
}
