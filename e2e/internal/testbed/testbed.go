// Package testbed runs several real Kubernetes control planes on loopback ports, each with
// KWOK-simulated GPU nodes: one host cluster and N member clusters, the aifabric network in miniature.
package testbed

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Config says what to start.
type Config struct {
	Dir             string // everything the test bed writes: kubeconfigs, state.json, logs, etcd data
	Bundle          string // the k8s-bundle binary
	Members         int    // member clusters, named member-a, member-b, ...
	GPUNodes        int    // GPU nodes per member
	SchedulerConfig string // optional KubeSchedulerConfiguration for the members' schedulers
}

// State is what a running test bed writes to <dir>/state.json for tests and people.
type State struct {
	Dir            string     `json:"dir"`
	Pid            int        `json:"pid"`
	Kubeconfig     string     `json:"kubeconfig"` // all clusters, one context each
	Clusters       []*Cluster `json:"clusters"`
	StartupSeconds float64    `json:"startupSeconds"`
}

// StateFile is where Up records the running test bed.
func StateFile(dir string) string { return filepath.Join(dir, "state.json") }

// TestBed is a running set of clusters.
type TestBed struct {
	State
	sup *supervisor
}

// MemberName is the name of member i: member-a, member-b, ...
func MemberName(i int) string { return "member-" + string(rune('a'+i)) }

// Up starts the host and the members in parallel and returns once every cluster can run pods.
func Up(ctx context.Context, cfg Config) (*TestBed, error) {
	started := time.Now()
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, err
	}
	// A previous run's etcd data and PKI must not leak into this one.
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	specs := []clusterSpec{{name: "host", memberIndex: -1}}
	for i := 0; i < cfg.Members; i++ {
		specs = append(specs, clusterSpec{name: MemberName(i), memberIndex: i, gpuNodes: cfg.GPUNodes, schedulerConfig: cfg.SchedulerConfig})
	}
	tb := &TestBed{sup: newSupervisor(), State: State{Dir: dir, Pid: os.Getpid()}}
	clusters := make([]*Cluster, len(specs))
	errs := make([]error, len(specs))
	var wg sync.WaitGroup
	for i, spec := range specs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			clusters[i], errs[i] = startCluster(ctx, tb.sup, cfg.Bundle, dir, spec)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			tb.sup.stopAll()
			return nil, err
		}
	}
	tb.Clusters = clusters
	tb.Kubeconfig = filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(tb.Kubeconfig, mergedKubeconfig(clusters), 0o600); err != nil {
		tb.sup.stopAll()
		return nil, err
	}
	tb.StartupSeconds = time.Since(started).Seconds()
	data, _ := json.MarshalIndent(tb.State, "", "  ")
	// Written last and atomically: its presence means "ready".
	tmp := StateFile(dir) + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		tb.sup.stopAll()
		return nil, err
	}
	return tb, os.Rename(tmp, StateFile(dir))
}

// Down stops every component and removes state.json; logs stay for whoever needs them.
func (tb *TestBed) Down() {
	tb.sup.stopAll()
	_ = os.Remove(StateFile(tb.Dir))
}

// Exited lists components that stopped while the test bed was meant to be running.
func (tb *TestBed) Exited() []string {
	var out []string
	for _, c := range tb.sup.components() {
		if c.exited() {
			out = append(out, c.Cluster+"/"+c.Name)
		}
	}
	return out
}

// Summary is a few lines for people: where each cluster is and how to reach it.
func (tb *TestBed) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "aifabric test bed up in %.1fs (%s)\n", tb.StartupSeconds, tb.Dir)
	for _, c := range tb.Clusters {
		fmt.Fprintf(&b, "  %-9s %-6s %-15s %s  nodes=%d gpu-nodes=%d\n", c.Name, c.Role, c.Region, c.Server, c.Nodes, c.GPUNodes)
	}
	fmt.Fprintf(&b, "  export KUBECONFIG=%s   # contexts: %s\n", tb.Kubeconfig, strings.Join(names(tb.Clusters), ", "))
	return b.String()
}

func names(cs []*Cluster) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

// mergedKubeconfig joins the clusters' kubeconfigs into one with a context per cluster.
func mergedKubeconfig(cs []*Cluster) []byte {
	var clusters, users, contexts strings.Builder
	for _, c := range cs {
		one := string(c.kubeconfigYAML())
		section := func(start, end string) string {
			s := one[strings.Index(one, start)+len(start):]
			return s[:strings.Index(s, end)]
		}
		clusters.WriteString(section("clusters:\n", "users:\n"))
		users.WriteString(section("users:\n", "contexts:\n"))
		contexts.WriteString(section("contexts:\n", "current-context:"))
	}
	return []byte("apiVersion: v1\nkind: Config\nclusters:\n" + clusters.String() +
		"users:\n" + users.String() + "contexts:\n" + contexts.String() + "current-context: host\n")
}
