package testbed

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/aifabric/aifabric/e2e/internal/stages"
)

// Cluster is one running Kubernetes control plane of the test bed, as recorded in state.json.
type Cluster struct {
	Name       string       `json:"name"`
	Role       string       `json:"role"` // host or member
	Region     string       `json:"region"`
	Server     string       `json:"server"`
	Kubeconfig string       `json:"kubeconfig"`
	GPUNodes   int          `json:"gpuNodes"`
	Nodes      int          `json:"nodes"`
	Components []*component `json:"components"`

	dir    string
	ports  ports
	pki    *pki
	bundle string
	spec   clusterSpec
}

type ports struct{ etcd, etcdPeer, apiserver, controllerManager, scheduler, kwok int }

type clusterSpec struct {
	name            string
	memberIndex     int // -1 for the host
	gpuNodes        int
	schedulerConfig string // optional KubeSchedulerConfiguration file
}

// startCluster brings up etcd, kube-apiserver, kube-controller-manager, kube-scheduler and KWOK,
// creates the simulated nodes and waits until the cluster can run pods.
func startCluster(ctx context.Context, sup *supervisor, bundle, root string, spec clusterSpec) (*Cluster, error) {
	dir := filepath.Join(root, spec.name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	free, err := freePorts(6)
	if err != nil {
		return nil, err
	}
	c := &Cluster{
		Name: spec.name, dir: dir, bundle: bundle, spec: spec,
		ports:  ports{free[0], free[1], free[2], free[3], free[4], free[5]},
		Role:   map[bool]string{true: "host", false: "member"}[spec.memberIndex < 0],
		Server: fmt.Sprintf("https://127.0.0.1:%d", free[2]),
	}
	if c.pki, err = newPKI(filepath.Join(dir, "pki")); err != nil {
		return nil, fmt.Errorf("%s: pki: %w", spec.name, err)
	}
	c.Kubeconfig = filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(c.Kubeconfig, c.kubeconfigYAML(), 0o600); err != nil {
		return nil, err
	}
	// For tests of what a member kubeconfig without RBAC grants does.
	if err := os.WriteFile(filepath.Join(dir, "nobody-kubeconfig"), c.kubeconfigFor("nobody", nobodyCertFile, nobodyKeyFile), 0o600); err != nil {
		return nil, err
	}
	steps := []struct {
		what string
		run  func(context.Context, *supervisor) error
	}{
		{"etcd", c.startEtcd},
		{"kube-apiserver", c.startAPIServer},
		{"controllers, scheduler and kwok", c.startControllers},
		{"nodes", c.createNodes},
	}
	for _, step := range steps {
		if err := step.run(ctx, sup); err != nil {
			return c, fmt.Errorf("%s: %s: %w (logs in %s)", spec.name, step.what, err, filepath.Join(dir, "logs"))
		}
	}
	return c, nil
}

func (c *Cluster) log(name string) string { return filepath.Join(c.dir, "logs", name+".log") }

func (c *Cluster) run(sup *supervisor, name string, args ...string) error {
	comp, err := sup.start(c.Name, name, c.log(name), c.bundle, append([]string{name}, args...)...)
	if err != nil {
		return err
	}
	c.Components = append(c.Components, comp)
	return nil
}

func (c *Cluster) startEtcd(ctx context.Context, sup *supervisor) error {
	client := fmt.Sprintf("http://127.0.0.1:%d", c.ports.etcd)
	peer := fmt.Sprintf("http://127.0.0.1:%d", c.ports.etcdPeer)
	err := c.run(sup, "etcd",
		"--name=default",
		"--data-dir="+filepath.Join(c.dir, "etcd"),
		"--listen-client-urls="+client, "--advertise-client-urls="+client,
		"--listen-peer-urls="+peer, "--initial-advertise-peer-urls="+peer,
		"--initial-cluster=default="+peer,
		"--quota-backend-bytes=8589934592",
		// A test bed needs no durability across power loss; fsync dominates etcd latency.
		"--unsafe-no-fsync=true",
		"--log-level=warn",
	)
	if err != nil {
		return err
	}
	return waitHTTP(ctx, c.Components[len(c.Components)-1], http.DefaultClient, client+"/health", 60*time.Second)
}

func (c *Cluster) startAPIServer(ctx context.Context, sup *supervisor) error {
	p := c.pki
	err := c.run(sup, "kube-apiserver",
		fmt.Sprintf("--etcd-servers=http://127.0.0.1:%d", c.ports.etcd),
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		fmt.Sprintf("--secure-port=%d", c.ports.apiserver),
		"--tls-cert-file="+p.path(serverCertFile),
		"--tls-private-key-file="+p.path(serverKeyFile),
		"--client-ca-file="+p.path(caCertFile),
		"--service-account-key-file="+p.path(saPubFile),
		"--service-account-signing-key-file="+p.path(saKeyFile),
		"--service-account-issuer=https://kubernetes.default.svc",
		"--service-cluster-ip-range=10.96.0.0/16",
		"--authorization-mode=Node,RBAC",
		"--allow-privileged=true",
		// The kubernetes Service cannot point at a loopback address; nothing here needs it.
		"--endpoint-reconciler-type=none",
		"--profiling=false",
	)
	if err != nil {
		return err
	}
	client, err := c.adminHTTPClient()
	if err != nil {
		return err
	}
	return waitHTTP(ctx, c.Components[len(c.Components)-1], client, c.Server+"/readyz", 120*time.Second)
}

func (c *Cluster) startControllers(ctx context.Context, sup *supervisor) error {
	p := c.pki
	kc := "--kubeconfig=" + c.Kubeconfig
	err := c.run(sup, "kube-controller-manager", kc,
		"--authentication-kubeconfig="+c.Kubeconfig,
		"--authorization-kubeconfig="+c.Kubeconfig,
		"--bind-address=127.0.0.1",
		fmt.Sprintf("--secure-port=%d", c.ports.controllerManager),
		"--leader-elect=false",
		"--service-account-private-key-file="+p.path(saKeyFile),
		"--root-ca-file="+p.path(caCertFile),
		"--use-service-account-credentials=false",
		// Node IPAM would allocate pod CIDRs; KWOK assigns pod IPs itself.
		"--controllers=*,-nodeipam",
		"--profiling=false",
	)
	if err != nil {
		return err
	}
	args := []string{kc,
		"--authentication-kubeconfig=" + c.Kubeconfig,
		"--authorization-kubeconfig=" + c.Kubeconfig,
		"--bind-address=127.0.0.1",
		fmt.Sprintf("--secure-port=%d", c.ports.scheduler),
		"--leader-elect=false",
		"--profiling=false",
	}
	if c.spec.schedulerConfig != "" {
		args = append(args, "--config="+c.spec.schedulerConfig)
	}
	if err := c.run(sup, "kube-scheduler", args...); err != nil {
		return err
	}
	stagesFile := filepath.Join(c.dir, "kwok-stages.yaml")
	if err := os.WriteFile(stagesFile, stages.YAML, 0o644); err != nil {
		return err
	}
	err = c.run(sup, "kwok", kc,
		"--config="+stagesFile,
		"--manage-all-nodes=false",
		"--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
		"--node-lease-duration-seconds=40",
		fmt.Sprintf("--server-address=127.0.0.1:%d", c.ports.kwok),
		"--cidr=10.244.0.0/16",
		"--node-ip=127.0.0.1",
	)
	if err != nil {
		return err
	}
	insecure := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	comps := c.Components[len(c.Components)-3:]
	checks := []struct {
		comp *component
		url  string
		cl   *http.Client
	}{
		{comps[0], fmt.Sprintf("https://127.0.0.1:%d/healthz", c.ports.controllerManager), insecure},
		{comps[1], fmt.Sprintf("https://127.0.0.1:%d/healthz", c.ports.scheduler), insecure},
		{comps[2], fmt.Sprintf("http://127.0.0.1:%d/healthz", c.ports.kwok), http.DefaultClient},
	}
	for _, ch := range checks {
		if err := waitHTTP(ctx, ch.comp, ch.cl, ch.url, 90*time.Second); err != nil {
			return err
		}
	}
	return nil
}

// createNodes applies the cluster's simulated nodes and waits until KWOK reports them Ready and
// the default ServiceAccount exists (pods are refused until it does).
func (c *Cluster) createNodes(ctx context.Context, _ *supervisor) error {
	region, nodes := fleetFor(c.spec.memberIndex, c.spec.gpuNodes)
	c.Region = region
	c.Nodes = len(nodes)
	c.GPUNodes = len(nodes) - 1
	list := map[string]any{"apiVersion": "v1", "kind": "List", "items": nodes}
	data, err := json.MarshalIndent(list, "", "  ")
	if err != nil {
		return err
	}
	manifest := filepath.Join(c.dir, "nodes.json")
	if err := os.WriteFile(manifest, data, 0o644); err != nil {
		return err
	}
	if _, err := c.Kubectl(ctx, "apply", "-f", manifest); err != nil {
		return err
	}
	if _, err := c.Kubectl(ctx, "wait", "--for=condition=Ready", "nodes", "--all", "--timeout=180s"); err != nil {
		return err
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		if _, err := c.Kubectl(ctx, "get", "serviceaccount", "default", "-n", "default"); err == nil {
			return nil
		} else if time.Now().After(deadline) {
			return err
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Kubectl runs the bundled kubectl against the cluster and returns its standard output.
func (c *Cluster) Kubectl(ctx context.Context, args ...string) (string, error) {
	// A cache of its own: ~/.kube/cache is keyed by host:port, and later test beds reuse ports.
	base := []string{"kubectl", "--kubeconfig=" + c.Kubeconfig, "--cache-dir=" + filepath.Join(c.dir, "kubectl-cache")}
	cmd := exec.CommandContext(ctx, c.bundle, append(base, args...)...)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("kubectl %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(errOut.String()))
	}
	return out.String(), nil
}

func (c *Cluster) adminHTTPClient() (*http.Client, error) {
	cert, err := tls.LoadX509KeyPair(c.pki.path(adminCertFile), c.pki.path(adminKeyFile))
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(c.pki.caCert)
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{Certificates: []tls.Certificate{cert}, RootCAs: pool},
	}}, nil
}

// kubeconfigYAML is a cluster-admin kubeconfig with the credentials embedded, so it can be copied
// into a Secret as it is (the way a provider hands a member's kubeconfig to the host).
func (c *Cluster) kubeconfigYAML() []byte {
	return c.kubeconfigFor("admin", adminCertFile, adminKeyFile)
}

func (c *Cluster) kubeconfigFor(user, certFile, keyFile string) []byte {
	read := func(name string) string {
		data, _ := os.ReadFile(c.pki.path(name))
		return base64.StdEncoding.EncodeToString(data)
	}
	return []byte(fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: %[1]s
  cluster:
    server: %[2]s
    certificate-authority-data: %[3]s
users:
- name: %[1]s-%[6]s
  user:
    client-certificate-data: %[4]s
    client-key-data: %[5]s
contexts:
- name: %[1]s
  context:
    cluster: %[1]s
    user: %[1]s-%[6]s
current-context: %[1]s
`, c.Name, c.Server, read(caCertFile), read(certFile), read(keyFile), user))
}

// waitHTTP polls url until it answers 200, the component exits, or the timeout passes.
func waitHTTP(ctx context.Context, comp *component, client *http.Client, url string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var last string
	for time.Now().Before(deadline) {
		if comp.exited() {
			return fmt.Errorf("%s exited during start-up; see %s", comp.Name, comp.Log)
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("%s not healthy at %s after %s: %s", comp.Name, url, timeout, last)
}

// Ports are handed out by one allocator for the whole test bed: clusters start in parallel, and
// asking the kernel for port 0 twice can return the same port once the first probe closed it.
// They come from below the kernel's ephemeral range (32768 and up on Linux), which outgoing
// connections use, so a component's port cannot be taken by some client's connection either.
var portAllocator struct {
	sync.Mutex
	next  int
	taken map[int]bool
}

const (
	portRangeStart = 20000
	portRangeEnd   = 32000
)

func freePorts(n int) ([]int, error) {
	portAllocator.Lock()
	defer portAllocator.Unlock()
	if portAllocator.taken == nil {
		portAllocator.taken = map[int]bool{}
		// Different test beds on one machine start at different places in the range.
		portAllocator.next = portRangeStart + rand.Intn(portRangeEnd-portRangeStart)
	}
	var out []int
	for tries := 0; len(out) < n; tries++ {
		if tries > portRangeEnd-portRangeStart {
			return nil, fmt.Errorf("no free port in %d-%d", portRangeStart, portRangeEnd)
		}
		p := portAllocator.next
		portAllocator.next++
		if portAllocator.next >= portRangeEnd {
			portAllocator.next = portRangeStart
		}
		if portAllocator.taken[p] {
			continue
		}
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			continue // in use by someone else
		}
		l.Close()
		portAllocator.taken[p] = true
		out = append(out, p)
	}
	return out, nil
}
