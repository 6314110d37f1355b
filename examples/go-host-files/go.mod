module hostfiles

go 1.22
