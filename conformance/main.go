// Command apiserver runs a Kubernetes API server for the conformance tests (test/conformance): kube-apiserver
// from k8s.io/kubernetes (cmd/kube-apiserver/app) on top of an embedded etcd (go.etcd.io/etcd/server/v3/embed),
// in one process, built only from Go modules (no downloaded binaries, unlike controller-runtime's envtest).
//
// At start it creates a private temporary directory holding a CA, a serving certificate for 127.0.0.1, an admin
// client certificate (group system:masters), a service-account signing key, a kubeconfig and etcd's data. It
// listens on 127.0.0.1 only, on ports the kernel picks; RBAC is on; no controller runs. When /readyz answers 200
// it prints one line to stdout:
//
//	APISERVER_READY {"url":"https://127.0.0.1:PORT","ca":"…","cert":"…","key":"…","kubeconfig":"…","dir":"…","pid":N}
//
// Everything else it says goes to stderr. It stops, and removes its directory, on SIGTERM or SIGINT, when its
// standard input reaches end of file (the parent closed the pipe or died), and, on Linux, when its parent process
// dies (PR_SET_PDEATHSIG). A directory left behind by a process that was killed with SIGKILL is removed by the
// next start (-sweep, on by default): each directory holds the pid of its owner, and a directory whose owner is
// gone is stale.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

const dirPrefix = "cdk8s-kubevirt-apiserver-"

type readyLine struct {
	URL        string `json:"url"`
	CA         string `json:"ca"`
	Cert       string `json:"cert"`
	Key        string `json:"key"`
	Kubeconfig string `json:"kubeconfig"`
	Dir        string `json:"dir"`
	PID        int    `json:"pid"`
	StartupMs  int64  `json:"startupMs"`
}

func main() {
	parent := flag.String("tmp", os.TempDir(), "folder in which the private temporary directory is created")
	watchStdin := flag.Bool("watch-stdin", true, "stop when standard input reaches end of file")
	sweep := flag.Bool("sweep", true, "remove directories left behind by earlier runs whose process is gone")
	verbosity := flag.Int("v", 0, "kube-apiserver log verbosity (klog -v)")
	flag.Parse()

	start := time.Now()
	dieWithParent()

	if *sweep {
		sweepStale(*parent)
	}
	dir, err := os.MkdirTemp(*parent, dirPrefix)
	if err != nil {
		fatal("create temporary directory: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "pid"), []byte(strconv.Itoa(os.Getpid())), 0o600); err != nil {
		fatal("write pid file: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	var cleanupOnce sync.Once
	cleanup := func() { cleanupOnce.Do(func() { _ = os.RemoveAll(dir) }) }

	// Every way out removes the directory: a stop request cancels the context, and a watchdog makes sure the
	// process is gone a few seconds later even if a component does not shut down.
	stop := func(reason string) {
		fmt.Fprintf(os.Stderr, "apiserver: stopping (%s)\n", reason)
		cancel()
		go func() {
			time.Sleep(5 * time.Second)
			fmt.Fprintln(os.Stderr, "apiserver: shutdown took too long; exiting")
			cleanup()
			os.Exit(1)
		}()
	}
	// When the parent dies, stdout and stderr are broken pipes: Go would end the process with SIGPIPE on the next
	// log line, before it removes its directory. Ignored, such writes just fail.
	signal.Ignore(syscall.SIGPIPE)
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	go func() { s := <-signals; stop("signal " + s.String()) }()
	if *watchStdin {
		go func() { _, _ = io.Copy(io.Discard, os.Stdin); stop("standard input closed") }()
	}

	err = run(ctx, dir, *verbosity, start)
	cleanup()
	if err != nil && ctx.Err() == nil {
		fatal("%v", err)
	}
	os.Exit(0)
}

func fatal(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "apiserver: "+format+"\n", args...)
	os.Exit(1)
}

// run starts etcd and the API server and blocks until ctx is cancelled or one of them fails.
func run(ctx context.Context, dir string, verbosity int, start time.Time) error {
	files, err := writeCredentials(dir)
	if err != nil {
		return err
	}

	etcd, etcdURL, err := startEtcd(filepath.Join(dir, "etcd"))
	if err != nil {
		return err
	}
	defer etcd.Close()

	// The API server gets a listener bound here, on a port the kernel picks, so no other process can take it
	// between choosing the port and serving on it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	url := "https://" + ln.Addr().String()
	if err := writeKubeconfig(files, url); err != nil {
		return err
	}

	errs := make(chan error, 2)
	go func() { errs <- runAPIServer(ctx, ln, files, etcdURL, filepath.Join(dir, "apiserver"), verbosity) }()
	go func() {
		if err := waitReady(ctx, url, files); err != nil {
			errs <- err
			return
		}
		line, _ := json.Marshal(readyLine{
			URL: url, CA: files.caCert, Cert: files.adminCert, Key: files.adminKey, Kubeconfig: files.kubeconfig,
			Dir: dir, PID: os.Getpid(), StartupMs: time.Since(start).Milliseconds(),
		})
		fmt.Printf("APISERVER_READY %s\n", line)
	}()

	select {
	case err := <-errs:
		return err
	case err := <-etcd.Err():
		return fmt.Errorf("etcd: %w", err)
	case <-ctx.Done():
		// Give the API server a moment to close its connections before etcd goes away.
		select {
		case <-errs:
		case <-time.After(2 * time.Second):
		}
		return nil
	}
}

// sweepStale removes directories of earlier runs whose process no longer exists (killed with SIGKILL, so it could
// not clean up). A directory without a pid file is left alone unless it is older than an hour.
func sweepStale(parent string) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), dirPrefix) {
			continue
		}
		path := filepath.Join(parent, e.Name())
		raw, err := os.ReadFile(filepath.Join(path, "pid"))
		if err != nil {
			if info, statErr := e.Info(); statErr == nil && time.Since(info.ModTime()) > time.Hour {
				_ = os.RemoveAll(path)
			}
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
		if err != nil || !alive(pid) {
			_ = os.RemoveAll(path)
		}
	}
}

func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
