package testbed

import (
	"strings"
	"sync"
	"testing"
)

func TestMembersGetDifferentModelMixes(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 3; i++ {
		_, mix := memberFleet(i)
		if len(mix) != 2 || mix[0].Product == mix[1].Product {
			t.Fatalf("member %d: want two different models, got %+v", i, mix)
		}
		key := mix[0].Short + "+" + mix[1].Short
		if seen[key] {
			t.Fatalf("member %d repeats the mix %s", i, key)
		}
		seen[key] = true
	}
}

func TestGPUNodesCarryGFDLabelsMatchingCapacity(t *testing.T) {
	region, nodes := fleetFor(0, 20)
	if region != "eu-west-1" {
		t.Fatalf("region %q", region)
	}
	if len(nodes) != 21 {
		t.Fatalf("want 1 CPU node and 20 GPU nodes, got %d", len(nodes))
	}
	products := map[string]int{}
	for _, n := range nodes[1:] {
		labels := n["metadata"].(map[string]any)["labels"].(map[string]string)
		capacity := n["status"].(map[string]any)["capacity"].(map[string]string)
		if labels["nvidia.com/gpu.count"] != capacity["nvidia.com/gpu"] {
			t.Fatalf("%v: gpu.count %s but capacity %s", labels["kubernetes.io/hostname"], labels["nvidia.com/gpu.count"], capacity["nvidia.com/gpu"])
		}
		for _, key := range []string{"nvidia.com/gpu.product", "nvidia.com/gpu.memory", "nvidia.com/cuda.driver.major", "nvidia.com/cuda.runtime.major", "topology.kubernetes.io/region"} {
			if labels[key] == "" {
				t.Fatalf("%v lacks %s", labels["kubernetes.io/hostname"], key)
			}
		}
		products[labels["nvidia.com/gpu.product"]]++
	}
	if products[H100.Product] != 10 || products[A100.Product] != 10 {
		t.Fatalf("want 10 H100 and 10 A100 nodes on member-a, got %v", products)
	}
}

func TestHostHasOnlyACPUNode(t *testing.T) {
	_, nodes := fleetFor(-1, 20)
	if len(nodes) != 1 {
		t.Fatalf("host: want 1 node, got %d", len(nodes))
	}
	capacity := nodes[0]["status"].(map[string]any)["capacity"].(map[string]string)
	if _, ok := capacity["nvidia.com/gpu"]; ok {
		t.Fatal("host node must not offer GPUs")
	}
}

func TestMergedKubeconfigHasAContextPerCluster(t *testing.T) {
	dir := t.TempDir()
	var clusters []*Cluster
	for _, name := range []string{"host", "member-a"} {
		p, err := newPKI(dir + "/" + name)
		if err != nil {
			t.Fatal(err)
		}
		clusters = append(clusters, &Cluster{Name: name, Server: "https://127.0.0.1:1", pki: p})
	}
	merged := string(mergedKubeconfig(clusters))
	for _, want := range []string{"- name: host\n  context:", "- name: member-a\n  context:", "user: member-a-admin", "current-context: host"} {
		if !strings.Contains(merged, want) {
			t.Fatalf("merged kubeconfig lacks %q:\n%s", want, merged)
		}
	}
}

func TestPortsAreNeverHandedOutTwice(t *testing.T) {
	seen := map[int]bool{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := freePorts(6)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for _, p := range got {
				if seen[p] {
					t.Errorf("port %d handed out twice", p)
				}
				if p < portRangeStart || p >= portRangeEnd {
					t.Errorf("port %d outside %d-%d", p, portRangeStart, portRangeEnd)
				}
				seen[p] = true
			}
		}()
	}
	wg.Wait()
}
