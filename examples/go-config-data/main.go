// A notes service that reads its settings from a JSON file named by a flag default and appends
// every visit to a log in a data folder the Dockerfile creates: both must still work once the
// image is rewritten (the config file copied, the data folder writable by the non-root user).
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"path/filepath"
)

type config struct {
	Addr     string `json:"addr"`
	Greeting string `json:"greeting"`
}

func main() {
	configPath := flag.String("config", "config/app.json", "settings file")
	flag.Parse()
	raw, err := os.ReadFile(*configPath)
	if err != nil {
		log.Fatalf("read settings: %v", err)
	}
	var cfg config
	if err := json.Unmarshal(raw, &cfg); err != nil {
		log.Fatalf("parse settings: %v", err)
	}
	visits := filepath.Join("data", "visits.log")

	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintln(w, cfg.Greeting)
	})
	http.HandleFunc("/visit", func(w http.ResponseWriter, r *http.Request) {
		f, err := os.OpenFile(visits, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprintln(f, r.URL.Query().Get("who"))
		f.Close()
		fmt.Fprintf(w, "visits: %d\n", countLines(visits))
	})
	log.Fatal(http.ListenAndServe(cfg.Addr, nil))
}

func countLines(path string) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	n := 0
	for s := bufio.NewScanner(f); s.Scan(); {
		n++
	}
	return n
}
