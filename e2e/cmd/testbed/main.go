// Command testbed runs the aifabric test bed: a host and member Kubernetes clusters on loopback
// ports with KWOK-simulated GPU nodes.
//
//	testbed up   [--dir DIR] [--members 2] [--gpu-nodes 20] [--detach]
//	testbed down [--dir DIR]
//
// In the foreground, up runs until SIGINT/SIGTERM (or, with --stdin-lifeline, until its standard
// input closes: the JUnit extension uses that so a killed JVM never leaves clusters behind).
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/aifabric/aifabric/e2e/internal/testbed"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "up":
		err = up(os.Args[2:])
	case "down":
		err = down(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "testbed:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: testbed up [--dir DIR] [--members N] [--gpu-nodes N] [--scheduler-config FILE] [--detach] | testbed down [--dir DIR]")
	os.Exit(2)
}

// defaultBundle is k8s-bundle beside this binary as it was invoked (e2e/bin/ holds symlinks into
// the cache, so the resolved executable's directory would be the wrong place to look).
func defaultBundle() string {
	bundle, err := filepath.Abs(filepath.Join(filepath.Dir(os.Args[0]), "k8s-bundle"))
	if err != nil {
		return "k8s-bundle"
	}
	return bundle
}

func up(args []string) error {
	fs := flag.NewFlagSet("up", flag.ExitOnError)
	cfg := testbed.Config{}
	fs.StringVar(&cfg.Dir, "dir", "target/testbed", "directory for kubeconfigs, state.json, logs and etcd data")
	fs.StringVar(&cfg.Bundle, "bundle", defaultBundle(), "the k8s-bundle binary")
	fs.IntVar(&cfg.Members, "members", 2, "member clusters")
	fs.IntVar(&cfg.GPUNodes, "gpu-nodes", 20, "GPU nodes per member")
	fs.StringVar(&cfg.SchedulerConfig, "scheduler-config", "", "KubeSchedulerConfiguration for the members' schedulers")
	detach := fs.Bool("detach", false, "start in the background and return once ready")
	lifeline := fs.Bool("stdin-lifeline", false, "stop when standard input closes")
	_ = fs.Parse(args)
	if *detach {
		return startDetached(cfg.Dir, append(args, "--bundle="+cfg.Bundle))
	}
	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer cancel()
	if *lifeline {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			cancel()
		}()
	}
	tb, err := testbed.Up(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Print(tb.Summary())
	fmt.Println("READY " + testbed.StateFile(tb.Dir))
	watch := time.NewTicker(2 * time.Second)
	defer watch.Stop()
	reported := map[string]bool{}
	for {
		select {
		case <-ctx.Done():
			fmt.Println("stopping the test bed")
			tb.Down()
			return nil
		case <-watch.C:
			// A stopped component may be a test's doing (failover tests stop API servers): report it once.
			for _, name := range tb.Exited() {
				if !reported[name] {
					reported[name] = true
					fmt.Println("component exited:", name)
				}
			}
		}
	}
}

// startDetached re-runs up in a new session with its output in <dir>/testbed.log and waits for
// state.json (ready) or for the child to exit (failed).
func startDetached(dir string, args []string) error {
	var rest []string
	for _, a := range args {
		if a != "--detach" && a != "-detach" {
			rest = append(rest, a)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	logPath := filepath.Join(dir, "..", filepath.Base(dir)+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return err
	}
	self, _ := os.Executable()
	cmd := exec.Command(self, append([]string{"up"}, rest...)...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return err
	}
	if err := os.WriteFile(pidFile(dir), []byte(strconv.Itoa(cmd.Process.Pid)), 0o644); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	for {
		select {
		case err := <-exited:
			data, _ := os.ReadFile(logPath)
			return fmt.Errorf("test bed failed to start (%v):\n%s", err, tail(string(data), 20))
		case <-time.After(250 * time.Millisecond):
			if _, err := os.Stat(testbed.StateFile(dir)); err == nil {
				data, _ := os.ReadFile(logPath)
				fmt.Print(strings.SplitN(string(data), "READY", 2)[0])
				fmt.Printf("  stop it with: testbed down --dir %s   (log: %s)\n", dir, logPath)
				return nil
			}
		}
	}
}

func pidFile(dir string) string { return filepath.Join(dir, "..", filepath.Base(dir)+".pid") }

func down(args []string) error {
	fs := flag.NewFlagSet("down", flag.ExitOnError)
	dir := fs.String("dir", "target/testbed", "the test bed's directory")
	_ = fs.Parse(args)
	data, err := os.ReadFile(pidFile(*dir))
	if errors.Is(err, os.ErrNotExist) {
		fmt.Println("no test bed running in", *dir)
		return nil
	} else if err != nil {
		return err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		return fmt.Errorf("bad pid file %s: %w", pidFile(*dir), err)
	}
	proc, _ := os.FindProcess(pid)
	if err := proc.Signal(syscall.SIGTERM); err == nil {
		deadline := time.Now().Add(60 * time.Second)
		for proc.Signal(syscall.Signal(0)) == nil && time.Now().Before(deadline) {
			time.Sleep(200 * time.Millisecond)
		}
	}
	_ = os.Remove(pidFile(*dir))
	fmt.Println("test bed stopped")
	return nil
}

func tail(s string, n int) string {
	sc := bufio.NewScanner(strings.NewReader(s))
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
