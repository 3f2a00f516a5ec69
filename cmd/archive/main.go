// Command archive packs a directory into a release archive, as `make release`
// lays them out: a .tar.gz, or a .zip for Windows, holding the directory
// itself (backup_exporter-VERSION.OS-ARCH/ and its files).
//
//	go run ./cmd/archive -o dist/backup_exporter-0.1.0.linux-amd64.tar.gz -C stage backup_exporter-0.1.0.linux-amd64
//
// It is written in Go rather than left to tar and zip so that `make release`
// needs only Go (a fresh machine has no zip, and tar's flags differ between GNU
// and BSD) and so that the archives are reproducible: entries in name order,
// owned by root, every time set to -mtime (the commit's time), executables
// 0755 and other files 0644, whatever the umask and the checkout's times.
package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"time"
)

func main() {
	out := flag.String("o", "", "the archive to write; its name ends in .tar.gz or .zip")
	dir := flag.String("C", ".", "the directory that holds the directory to pack")
	mtime := flag.Int64("mtime", 0, "the modification time of every entry, in seconds since 1970 (SOURCE_DATE_EPOCH)")
	flag.Parse()
	if *out == "" || flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: archive -o NAME.tar.gz|NAME.zip [-C DIR] [-mtime SECONDS] DIRECTORY")
		os.Exit(2)
	}
	if err := pack(*out, os.DirFS(*dir), flag.Arg(0), time.Unix(*mtime, 0).UTC()); err != nil {
		fmt.Fprintln(os.Stderr, "archive:", err)
		os.Exit(1)
	}
}

// entry is one file or directory of an archive.
type entry struct {
	name string // slash-separated, directories ending in "/"
	mode fs.FileMode
	path string // where to read a file's content in the source FS
}

// pack writes the tree root of src into the archive out, whose name chooses
// the format. A partly written archive is removed.
func pack(out string, src fs.FS, root string, mtime time.Time) (err error) {
	entries, err := collect(src, root)
	if err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			_ = os.Remove(out)
		}
	}()
	switch {
	case strings.HasSuffix(out, ".tar.gz"):
		return writeTarGz(f, src, entries, mtime)
	case strings.HasSuffix(out, ".zip"):
		return writeZip(f, src, entries, mtime)
	default:
		return fmt.Errorf("%s: the name must end in .tar.gz or .zip", out)
	}
}

// collect lists root and everything under it in lexical order (fs.WalkDir's),
// with normalised modes. Only regular files and directories are allowed: a
// release holds nothing else.
func collect(src fs.FS, root string) ([]entry, error) {
	var entries []entry
	err := fs.WalkDir(src, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			entries = append(entries, entry{name: p + "/", mode: fs.ModeDir | 0o755})
		case info.Mode().IsRegular():
			mode := fs.FileMode(0o644)
			if info.Mode()&0o111 != 0 || path.Ext(p) == ".exe" {
				mode = 0o755
			}
			entries = append(entries, entry{name: p, mode: mode, path: p})
		default:
			return fmt.Errorf("%s: not a regular file or directory", p)
		}
		return nil
	})
	if err == nil && len(entries) < 2 {
		err = fmt.Errorf("%s: nothing to pack", root)
	}
	return entries, err
}

// writeTarGz writes entries as a gzipped POSIX tar, as Prometheus' releases are.
func writeTarGz(w io.Writer, src fs.FS, entries []entry, mtime time.Time) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(zw)
	for _, e := range entries {
		hdr := &tar.Header{Name: e.name, Mode: int64(e.mode.Perm()), ModTime: mtime, Format: tar.FormatPAX,
			Uname: "root", Gname: "root"}
		if e.mode.IsDir() {
			hdr.Typeflag = tar.TypeDir
			if err := tw.WriteHeader(hdr); err != nil {
				return err
			}
			continue
		}
		data, err := fs.ReadFile(src, e.path)
		if err != nil {
			return err
		}
		hdr.Typeflag, hdr.Size = tar.TypeReg, int64(len(data))
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if _, err := tw.Write(data); err != nil {
			return err
		}
	}
	return errors.Join(tw.Close(), zw.Close())
}

// writeZip writes entries as a deflated zip, with Unix modes for unzip.
func writeZip(w io.Writer, src fs.FS, entries []entry, mtime time.Time) error {
	zw := zip.NewWriter(w)
	for _, e := range entries {
		hdr := &zip.FileHeader{Name: e.name, Modified: mtime, Method: zip.Deflate}
		hdr.SetMode(e.mode)
		if e.mode.IsDir() {
			hdr.Method = zip.Store
		}
		fw, err := zw.CreateHeader(hdr)
		if err != nil {
			return err
		}
		if e.mode.IsDir() {
			continue
		}
		data, err := fs.ReadFile(src, e.path)
		if err != nil {
			return err
		}
		if _, err := fw.Write(data); err != nil {
			return err
		}
	}
	return zw.Close()
}
