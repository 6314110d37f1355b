module example.com/go-config-data

go 1.26
