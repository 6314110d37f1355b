// A playground backend that reports the Go toolchain it compiles submissions with: it runs the
// go command at run time, so an image without Go cannot serve it.
package main

import (
	"net/http"
	"os/exec"
)

func main() {
	http.HandleFunc("/version", func(w http.ResponseWriter, r *http.Request) {
		out, err := exec.CommandContext(r.Context(), "go", "version").CombinedOutput()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Write(out)
	})
	http.ListenAndServe(":8094", nil)
}
