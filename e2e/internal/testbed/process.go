package testbed

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"time"
)

// supervisor starts component processes and stops them all, newest first. Children get SIGKILL
// from the kernel if the test bed dies (Pdeathsig), so a killed harness leaves no strays.
type supervisor struct {
	mu     sync.Mutex
	procs  []*component
	spawn  chan spawnRequest
	closed bool
}

type component struct {
	Name    string `json:"name"`
	Cluster string `json:"cluster"`
	Pid     int    `json:"pid"`
	Log     string `json:"log"`
	cmd     *exec.Cmd
	done    chan struct{}
}

type spawnRequest struct {
	cmd    *exec.Cmd
	result chan error
}

func newSupervisor() *supervisor {
	s := &supervisor{spawn: make(chan spawnRequest)}
	// Pdeathsig fires when the thread that forked the child exits, not the process: fork from
	// one goroutine pinned to a thread that lives as long as the test bed.
	go func() {
		runtime.LockOSThread()
		for req := range s.spawn {
			req.result <- req.cmd.Start()
		}
	}()
	return s
}

// start runs bin with args, its output appended to logPath.
func (s *supervisor) start(cluster, name, logPath, bin string, args ...string) (*component, error) {
	if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
		return nil, err
	}
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	result := make(chan error, 1)
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		logFile.Close()
		return nil, fmt.Errorf("test bed is stopping")
	}
	s.spawn <- spawnRequest{cmd: cmd, result: result}
	s.mu.Unlock()
	if err := <-result; err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start %s/%s: %w", cluster, name, err)
	}
	c := &component{Name: name, Cluster: cluster, Pid: cmd.Process.Pid, Log: logPath, cmd: cmd, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		logFile.Close()
		close(c.done)
	}()
	s.mu.Lock()
	s.procs = append(s.procs, c)
	s.mu.Unlock()
	return c, nil
}

// exited reports whether the component has stopped.
func (c *component) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// stop sends SIGTERM, and SIGKILL after grace.
func (c *component) stop(grace time.Duration) {
	if c.exited() {
		return
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(grace):
		_ = c.cmd.Process.Kill()
		<-c.done
	}
}

// stopAll stops every component, newest first (kwok and schedulers before API servers before etcd).
func (s *supervisor) stopAll() {
	s.mu.Lock()
	s.closed = true
	procs := append([]*component(nil), s.procs...)
	s.mu.Unlock()
	for i := len(procs) - 1; i >= 0; i-- {
		procs[i].stop(10 * time.Second)
	}
}

func (s *supervisor) components() []*component {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*component(nil), s.procs...)
}
