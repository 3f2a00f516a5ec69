package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"
)

// release is a staged release directory as release.mk lays it out, with
// the modes a checkout and a build may leave (group-writable, no x on a
// Windows binary).
var release = fstest.MapFS{
	"r-1.0.os-arch":                  &fstest.MapFile{Mode: fs.ModeDir | 0o775},
	"r-1.0.os-arch/LICENSE":          &fstest.MapFile{Data: []byte("licence"), Mode: 0o664},
	"r-1.0.os-arch/backup_exporter":  &fstest.MapFile{Data: []byte("\x7fELF"), Mode: 0o775},
	"r-1.0.os-arch/tool.exe":         &fstest.MapFile{Data: []byte("MZ"), Mode: 0o600},
	"r-1.0.os-arch/sub":              &fstest.MapFile{Mode: fs.ModeDir | 0o700},
	"r-1.0.os-arch/sub/exporter.yml": &fstest.MapFile{Data: []byte("targets: []\n"), Mode: 0o600},
}

// packed is one entry read back from an archive.
type packed struct {
	name    string
	mode    fs.FileMode
	modTime time.Time
	data    string
}

// wantEntries is what every archive of release must hold, in this order:
// names in lexical order under the directory, modes normalised to 0755 for
// directories and executables and 0644 for the rest.
var wantEntries = []packed{
	{name: "r-1.0.os-arch/", mode: fs.ModeDir | 0o755},
	{name: "r-1.0.os-arch/LICENSE", mode: 0o644, data: "licence"},
	{name: "r-1.0.os-arch/backup_exporter", mode: 0o755, data: "\x7fELF"},
	{name: "r-1.0.os-arch/sub/", mode: fs.ModeDir | 0o755},
	{name: "r-1.0.os-arch/sub/exporter.yml", mode: 0o644, data: "targets: []\n"},
	{name: "r-1.0.os-arch/tool.exe", mode: 0o755, data: "MZ"},
}

func TestPack(t *testing.T) {
	mtime := time.Unix(1796300735, 0).UTC()
	for _, ext := range []string{".tar.gz", ".zip"} {
		t.Run(ext, func(t *testing.T) {
			dir := t.TempDir()
			first, second := filepath.Join(dir, "a"+ext), filepath.Join(dir, "b"+ext)
			for _, out := range []string{first, second} {
				if err := pack(out, release, "r-1.0.os-arch", mtime); err != nil {
					t.Fatal(err)
				}
			}
			a, err := os.ReadFile(first)
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(second)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a, b) {
				t.Error("two packs of the same tree differ: the archive is not reproducible")
			}
			var got []packed
			if ext == ".zip" {
				got = readZip(t, a)
			} else {
				got = readTarGz(t, a)
			}
			if len(got) != len(wantEntries) {
				t.Fatalf("%d entries %v, want %d", len(got), got, len(wantEntries))
			}
			for i, want := range wantEntries {
				g := got[i]
				if g.name != want.name || g.mode != want.mode || g.data != want.data || !g.modTime.Equal(mtime) {
					t.Errorf("entry %d: %s %v %q at %v, want %s %v %q at %v", i, g.name, g.mode, g.data, g.modTime,
						want.name, want.mode, want.data, mtime)
				}
			}
		})
	}
}

func TestPackRefuses(t *testing.T) {
	dir := t.TempDir()
	for name, tc := range map[string]struct {
		src  fs.FS
		root string
		out  string
	}{
		"unknown format": {release, "r-1.0.os-arch", "x.tar.xz"},
		"missing root":   {release, "nothing", "x.tar.gz"},
		"empty root":     {fstest.MapFS{"empty": &fstest.MapFile{Mode: fs.ModeDir | 0o755}}, "empty", "x.zip"},
		"symlink":        {fstest.MapFS{"r/link": &fstest.MapFile{Mode: fs.ModeSymlink | 0o777}}, "r", "x.tar.gz"},
	} {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(dir, tc.out)
			if err := pack(out, tc.src, tc.root, time.Unix(0, 0)); err == nil {
				t.Fatal("packed, want an error")
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%s was left behind", tc.out)
			}
		})
	}
}

func readTarGz(t *testing.T, data []byte) []packed {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var out []packed
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if hdr.Uid != 0 || hdr.Gid != 0 || hdr.Uname != "root" || hdr.Gname != "root" {
			t.Errorf("%s owned by %d:%d (%s:%s), want root", hdr.Name, hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, packed{name: hdr.Name, mode: hdr.FileInfo().Mode(), modTime: hdr.ModTime, data: string(body)})
	}
}

func readZip(t *testing.T, data []byte) []packed {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out []packed
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, packed{name: f.Name, mode: f.Mode(), modTime: f.Modified, data: string(body)})
	}
	return out
}
