// A small web page rendered from templates read from disk at runtime (not embedded), with a
// static folder and a writable data folder; an example for dockerize-slim's runtime-file handling.
package main

import (
	"context"
	"html/template"
	"log"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

type page struct {
	Title string
	Items []string
}

func main() {
	tmpl := template.Must(template.ParseGlob("templates/*.html"))
	if err := os.MkdirAll("data", 0o755); err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/static/", http.StripPrefix("/static/", http.FileServer(http.Dir("static"))))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		err := tmpl.ExecuteTemplate(w, "index.html", page{Title: "Reading list", Items: []string{"The Go Programming Language", "Site Reliability Engineering"}})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	mux.HandleFunc("/visit", func(w http.ResponseWriter, r *http.Request) {
		f, err := os.OpenFile(filepath.Join("data", "visits.log"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		defer f.Close()
		_, _ = f.WriteString("visit\n")
		w.Write([]byte("recorded"))
	})
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	srv := &http.Server{Addr: ":" + port, Handler: mux}
	go func() {
		log.Printf("listening on %s", port)
		if err := srv.ListenAndServe(); err != nil && err != http.ErrServerClosed {
			log.Fatal(err)
		}
	}()
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(ctx)
}
