// A world clock API: it loads IANA time zones at runtime and keeps a scratch file in the temp
// dir, the two things a scratch image lacks; an example for dockerize-slim's scratch target.
package main

import (
	"context"
	"encoding/json"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

var zones = []string{"UTC", "Europe/Paris", "Asia/Tokyo", "America/New_York"}

func main() {
	marker, err := os.CreateTemp("", "worldclock-*")
	if err != nil {
		log.Fatalf("temp dir: %v", err)
	}
	defer os.Remove(marker.Name())
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"service": "worldclock", "zones": zones})
	})
	mux.HandleFunc("/offset", func(w http.ResponseWriter, r *http.Request) {
		// A fixed instant, so the answer is the same on every run and in every image.
		at := time.Date(2026, time.January, 15, 12, 0, 0, 0, time.UTC)
		out := map[string]int{}
		for _, z := range zones {
			loc, err := time.LoadLocation(z)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			_, offset := at.In(loc).Zone()
			out[z] = offset
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(out)
	})
	srv := &http.Server{Addr: ":8081", Handler: mux}
	go func() {
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
