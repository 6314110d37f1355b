module example.com/observe-pages

go 1.22
