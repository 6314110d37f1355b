// A pages service whose settings file names the folder its pages live in: the program opens
// site.json by a name in its code, then every page through a path made from that file's value.
// Detection sees site.json; the pages folder is named only inside it, so a rewrite keeping just
// what detection proves (--minimal) leaves the pages behind. verify --observe sees them read.
package main

import (
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

type site struct {
	Title string `json:"title"`
	Pages string `json:"pages"`
}

func main() {
	raw, err := os.ReadFile("site.json")
	if err != nil {
		log.Fatalf("read settings: %v", err)
	}
	var cfg site
	if err := json.Unmarshal(raw, &cfg); err != nil {
		log.Fatalf("parse settings: %v", err)
	}
	// The pages are listed once at start: a missing folder shows as no pages, not as a crash.
	entries, _ := os.ReadDir(cfg.Pages)
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".md"))
	}
	log.Printf("%s: %d pages", cfg.Title, len(names))

	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, "%s: %s\n", cfg.Title, strings.Join(names, ", "))
	})
	http.HandleFunc("/page/", func(w http.ResponseWriter, r *http.Request) {
		name := filepath.Base(strings.TrimPrefix(r.URL.Path, "/page/"))
		body, err := os.ReadFile(filepath.Join(cfg.Pages, name+".md"))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Write(body)
	})
	log.Fatal(http.ListenAndServe(":8096", nil))
}
