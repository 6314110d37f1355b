package main

import (
	"html/template"
	"net/http"
)

type page struct{ Name string }

func main() {
	// Parsed at start from a path relative to the WORKDIR: the final image needs the file there.
	tpl := template.Must(template.ParseFiles("templates/welcome.html"))
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		name := r.FormValue("name")
		if name == "" {
			name = "anonymous"
		}
		if err := tpl.Execute(w, page{name}); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	http.ListenAndServe(":8085", nil)
}
