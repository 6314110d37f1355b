// A small notes service that saves each note atomically: written to a temporary file, then
// renamed into public/ under the name the request gives. Nothing in the code names a write into
// the app's folder as such, so only the folder's ownership keeps it working.
package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
)

func save(name, text string) error {
	tmp, err := os.CreateTemp("", "note-*")
	if err != nil {
		return err
	}
	if _, err := tmp.WriteString(text); err != nil {
		return err
	}
	tmp.Close()
	return os.Rename(tmp.Name(), filepath.Join("public", name+".txt"))
}

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintln(w, "notes: GET /save?name=x&text=y, then GET /note?name=x")
	})
	http.HandleFunc("/save", func(w http.ResponseWriter, r *http.Request) {
		name := filepath.Base(r.URL.Query().Get("name"))
		if err := save(name, r.URL.Query().Get("text")); err != nil {
			http.Error(w, "cannot save", http.StatusInternalServerError)
			return
		}
		fmt.Fprintln(w, "saved", name)
	})
	http.HandleFunc("/note", func(w http.ResponseWriter, r *http.Request) {
		text, err := os.ReadFile(filepath.Join("public", filepath.Base(r.URL.Query().Get("name"))+".txt"))
		if err != nil {
			http.Error(w, "no such note", http.StatusNotFound)
			return
		}
		w.Write(text)
	})
	http.ListenAndServe(":8093", nil)
}
