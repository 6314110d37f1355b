// The app of seed article 002: a static Go binary built in GOPATH mode on ubuntu's golang-go.
package main

import (
	"fmt"
	"log"
	"net/http"
	"runtime"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, "hello from a %s binary\n", runtime.GOOS)
	})
	log.Fatal(http.ListenAndServe(":8084", nil))
}
