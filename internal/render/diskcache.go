package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
)

// cacheVersion names this renderer's output: change it whenever rendering
// changes (styles, wrapping, glamour), so old entries are never used.
const cacheVersion = "cloudlab-render-4"

// A disk cache entry is a header line with the SHA-256 of the rendered
// text, then the text. An entry whose checksum does not match (a torn
// write, a damaged disk) is ignored and written anew.
func (r *Renderer) diskPath(k key) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%x\x00%d\x00%s\x00%v", cacheVersion, k.hash, k.width, k.style, r.opts.NoColor)
	return filepath.Join(r.opts.CacheDir, hex.EncodeToString(h.Sum(nil))[:40]+".txt")
}

func (r *Renderer) diskGet(k key) (string, bool) {
	if r.opts.CacheDir == "" {
		return "", false
	}
	b, err := os.ReadFile(r.diskPath(k))
	if err != nil {
		return "", false
	}
	head, body, ok := bytes.Cut(b, []byte("\n"))
	sum := sha256.Sum256(body)
	if !ok || string(head) != hex.EncodeToString(sum[:]) {
		return "", false
	}
	return string(body), true
}

// diskPut writes an entry atomically (a temporary file renamed into
// place); failing to cache is not an error.
func (r *Renderer) diskPut(k key, out string) {
	if r.opts.CacheDir == "" {
		return
	}
	if err := os.MkdirAll(r.opts.CacheDir, 0o755); err != nil {
		return
	}
	sum := sha256.Sum256([]byte(out))
	f, err := os.CreateTemp(r.opts.CacheDir, ".tmp-*")
	if err != nil {
		return
	}
	_, err = f.WriteString(hex.EncodeToString(sum[:]) + "\n" + out)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return
	}
	if err := os.Rename(f.Name(), r.diskPath(k)); err != nil {
		os.Remove(f.Name())
	}
}

// ClearCache removes every entry of a disk cache folder.
func ClearCache(dir string) (int, error) {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range entries {
		if filepath.Ext(e.Name()) == ".txt" || filepath.Base(e.Name())[0] == '.' {
			if err := os.Remove(filepath.Join(dir, e.Name())); err == nil {
				n++
			}
		}
	}
	return n, nil
}
