// A service that finds its files the ways real ones do, none of which the tool's detection can
// be sure of: a gitignored .env made on the host before building, a config found through the
// working directory, an input file named on the command line, and a data file whose path only
// the environment knows. It exits at start when one is missing. /source shows the first line of
// its own source, found through the path runtime.Caller compiled in (a panic page's source view).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"runtime"
	"strings"
)

// loadDotEnv reads KEY=VALUE lines the way godotenv does for the keys not already set.
func loadDotEnv(path string) {
	f, err := os.Open(path)
	if err != nil {
		log.Fatalf("%s: %v", path, err)
	}
	defer f.Close()
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		key, value, ok := strings.Cut(strings.TrimSpace(scanner.Text()), "=")
		if ok && !strings.HasPrefix(key, "#") && os.Getenv(key) == "" {
			os.Setenv(key, value)
		}
	}
}

func mustRead(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		log.Fatalf("%v", err)
	}
	return strings.TrimSpace(string(b))
}

func main() {
	words := flag.String("words", "", "word list")
	flag.Parse()
	loadDotEnv(".env")
	wd, _ := os.Getwd()
	config := mustRead(wd + "/settings.yaml")
	list := strings.Fields(mustRead(*words))
	lexicon := mustRead(os.Getenv("LEXICON"))
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, "greeting=%s\nconfig=%s\nwords=%d\nlexicon=%s\n", os.Getenv("GREETING"), config, len(list), lexicon)
	})
	http.HandleFunc("/source", func(w http.ResponseWriter, r *http.Request) {
		_, self, _, _ := runtime.Caller(0)
		b, err := os.ReadFile(self)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		first, _, _ := strings.Cut(string(b), "\n")
		fmt.Fprintf(w, "%s\n", first)
	})
	log.Fatal(http.ListenAndServe(":8094", nil))
}
