// A scheduler extender that decides nothing: filter passes every node it is sent, prioritize
// scores every node 0. It decodes the request and encodes the answer as any extender must, in Go
// as kube-scheduler does, so SchedulerThroughputBenchmark can tell how much of kube-scheduler's
// throughput any filter+prioritize extender costs on the test bed, apart from the work of the
// aifabric extender itself. Only the benchmark builds and runs it.
package main

import (
	"encoding/json"
	"log"
	"net"
	"net/http"
	"os"
)

type args struct {
	Pod       json.RawMessage
	NodeNames *[]string
}

type hostPriority struct {
	Host  string
	Score int64
}

func read(w http.ResponseWriter, r *http.Request) (*args, bool) {
	var a args
	if err := json.NewDecoder(r.Body).Decode(&a); err != nil || a.NodeNames == nil {
		http.Error(w, "expected ExtenderArgs with NodeNames", http.StatusBadRequest)
		return nil, false
	}
	return &a, true
}

func main() {
	http.HandleFunc("/scheduler/filter", func(w http.ResponseWriter, r *http.Request) {
		if a, ok := read(w, r); ok {
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(map[string]any{"NodeNames": *a.NodeNames})
		}
	})
	http.HandleFunc("/scheduler/prioritize", func(w http.ResponseWriter, r *http.Request) {
		if a, ok := read(w, r); ok {
			scores := make([]hostPriority, 0, len(*a.NodeNames))
			for _, n := range *a.NodeNames {
				scores = append(scores, hostPriority{Host: n})
			}
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(scores)
		}
	})
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	// The benchmark reads the port from the first line.
	os.Stdout.WriteString(listener.Addr().String() + "\n")
	log.Fatal(http.Serve(listener, nil))
}
