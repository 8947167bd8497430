package serve

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
)

// The playground is plain HTML, CSS and JavaScript embedded in the binary:
// no build step and nothing fetched from elsewhere.
//
//go:embed web
var webFiles embed.FS

var webRoot, _ = fs.Sub(webFiles, "web")

func (s *Server) handleWeb(w http.ResponseWriter, r *http.Request) *APIError {
	name := path.Clean(r.URL.Path)
	if name == "/" {
		name = "/index.html"
	}
	b, err := fs.ReadFile(webRoot, name[1:])
	if err != nil {
		return &APIError{Status: http.StatusNotFound, Code: CodeNotFound, Message: "no page " + r.URL.Path + " (the playground is at /)"}
	}
	h := w.Header()
	switch path.Ext(name) {
	case ".html":
		h.Set("Content-Type", "text/html; charset=utf-8")
	case ".css":
		h.Set("Content-Type", "text/css; charset=utf-8")
	case ".js":
		h.Set("Content-Type", "text/javascript; charset=utf-8")
	case ".svg":
		h.Set("Content-Type", "image/svg+xml")
	}
	// Everything comes from this server: no CDN, no inline script.
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; connect-src 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(b)
	}
	return nil
}
