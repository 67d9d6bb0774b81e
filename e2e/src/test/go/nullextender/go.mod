module aifabric.io/nullextender

go 1.21
