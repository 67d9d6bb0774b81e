package testbed

import (
	"fmt"
	"strconv"
)

// GPUModel is one simulated GPU, labelled the way NVIDIA GPU Feature Discovery labels real nodes.
type GPUModel struct {
	Short        string // used in node names
	Product      string // nvidia.com/gpu.product
	MemoryMiB    int    // nvidia.com/gpu.memory
	Family       string // nvidia.com/gpu.family
	ComputeMajor int
	ComputeMinor int
	GPUsPerNode  int
	CPU          string
	Memory       string
}

// The models the test bed simulates, with GPU Feature Discovery's product names and memory sizes.
var (
	H100    = GPUModel{"h100", "NVIDIA-H100-80GB-HBM3", 81559, "hopper", 9, 0, 8, "192", "2Ti"}
	A100    = GPUModel{"a100", "NVIDIA-A100-SXM4-40GB", 40960, "ampere", 8, 0, 4, "96", "1Ti"}
	RTX4090 = GPUModel{"rtx4090", "NVIDIA-GeForce-RTX-4090", 24564, "ada-lovelace", 8, 9, 4, "32", "256Gi"}
	models  = []GPUModel{H100, A100, RTX4090}
)

var regions = []string{"eu-west-1", "us-east-1", "ap-southeast-1", "eu-central-1", "us-west-2"}

// memberFleet gives member i (0-based) two GPU models, alternating node by node, so that each
// member has a different mix: member-a H100+A100, member-b A100+RTX 4090, member-c RTX 4090+H100.
func memberFleet(i int) (region string, mix []GPUModel) {
	return regions[i%len(regions)], []GPUModel{models[i%len(models)], models[(i+1)%len(models)]}
}

// gpuNode is the Node manifest of one KWOK-managed GPU node.
func gpuNode(name, region string, m GPUModel) map[string]any {
	gpus := strconv.Itoa(m.GPUsPerNode)
	labels := baseLabels(name, region)
	for k, v := range map[string]string{
		"node.kubernetes.io/instance-type": "gpu-" + m.Short + "-x" + gpus,
		"nvidia.com/gpu.present":           "true",
		"nvidia.com/gpu.product":           m.Product,
		"nvidia.com/gpu.memory":            strconv.Itoa(m.MemoryMiB),
		"nvidia.com/gpu.count":             gpus,
		"nvidia.com/gpu.family":            m.Family,
		"nvidia.com/gpu.compute.major":     strconv.Itoa(m.ComputeMajor),
		"nvidia.com/gpu.compute.minor":     strconv.Itoa(m.ComputeMinor),
		"nvidia.com/gpu.machine":           "aifabric-sim-" + m.Short,
		"nvidia.com/cuda.driver.major":     "550",
		"nvidia.com/cuda.driver.minor":     "127",
		"nvidia.com/cuda.driver.rev":       "05",
		"nvidia.com/cuda.runtime.major":    "12",
		"nvidia.com/cuda.runtime.minor":    "4",
	} {
		labels[k] = v
	}
	resources := map[string]string{
		"cpu": m.CPU, "memory": m.Memory, "pods": "110", "ephemeral-storage": "4Ti", "nvidia.com/gpu": gpus,
	}
	return node(name, labels, resources)
}

// cpuNode is a node without GPUs, for the host cluster and for pods that need no GPU.
func cpuNode(name, region string) map[string]any {
	return node(name, baseLabels(name, region), map[string]string{"cpu": "32", "memory": "128Gi", "pods": "110"})
}

// baseLabels are the well-known labels every node carries.
func baseLabels(name, region string) map[string]string {
	return map[string]string{
		"kubernetes.io/hostname":        name,
		"kubernetes.io/os":              "linux",
		"kubernetes.io/arch":            "amd64",
		"type":                          "kwok",
		"topology.kubernetes.io/region": region,
		"topology.kubernetes.io/zone":   region + "a",
	}
}

func node(name string, labels, resources map[string]string) map[string]any {
	return map[string]any{
		"apiVersion": "v1",
		"kind":       "Node",
		"metadata": map[string]any{
			"name":   name,
			"labels": labels,
			// KWOK manages exactly the nodes carrying this annotation.
			"annotations": map[string]string{"kwok.x-k8s.io/node": "fake"},
		},
		"status": map[string]any{"capacity": resources, "allocatable": resources},
	}
}

// fleetFor lists the nodes of a cluster: one CPU node, and for members gpuNodes GPU nodes.
func fleetFor(memberIndex int, gpuNodes int) (region string, nodes []map[string]any) {
	if memberIndex < 0 {
		return "global", []map[string]any{cpuNode("cpu-0", "global")}
	}
	region, mix := memberFleet(memberIndex)
	nodes = append(nodes, cpuNode("cpu-0", region))
	for n := 0; n < gpuNodes; n++ {
		m := mix[n%len(mix)]
		nodes = append(nodes, gpuNode(fmt.Sprintf("gpu-%s-%02d", m.Short, n), region, m))
	}
	return region, nodes
}
