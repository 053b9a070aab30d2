package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
)

// startEtcd starts a single-member etcd in dir that listens on 127.0.0.1 only and returns it with the URL of its
// client listener once it serves. It never syncs to disk: the data lives as long as one test run.
//
// etcd must advertise the ports it listens on (it dials its own client URL), so they are chosen before it starts:
// the kernel picks two free ports, and the start is retried if another process takes one in between.
func startEtcd(dir string) (*embed.Etcd, string, error) {
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		ports, err := freePorts(2)
		if err != nil {
			return nil, "", err
		}
		e, clientURL, err := startEtcdOn(dir, ports[0], ports[1])
		if err == nil {
			return e, clientURL, nil
		}
		lastErr = err
		_ = os.RemoveAll(dir)
	}
	return nil, "", lastErr
}

func startEtcdOn(dir string, clientPort, peerPort int) (*embed.Etcd, string, error) {
	client := url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", clientPort)}
	peer := url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", peerPort)}
	cfg := embed.NewConfig()
	cfg.Name = "conformance"
	cfg.Dir = dir
	cfg.ListenPeerUrls = []url.URL{peer}
	cfg.AdvertisePeerUrls = []url.URL{peer}
	cfg.ListenClientUrls = []url.URL{client}
	cfg.AdvertiseClientUrls = []url.URL{client}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	cfg.UnsafeNoFsync = true
	// The KubeVirt CRDs with their managedFields come close to etcd's default limit of 1.5 MiB per request.
	cfg.MaxRequestBytes = 8 * 1024 * 1024
	cfg.LogLevel = "error"
	cfg.LogOutputs = []string{"stderr"}

	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, "", fmt.Errorf("etcd: %w", err)
	}
	select {
	case <-e.Server.ReadyNotify():
		return e, client.String(), nil
	case err := <-e.Err():
		e.Close()
		return nil, "", fmt.Errorf("etcd: %w", err)
	case <-time.After(30 * time.Second):
		e.Close()
		return nil, "", errors.New("etcd: not ready after 30s")
	}
}

// freePorts asks the kernel for n distinct free ports on 127.0.0.1.
func freePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer ln.Close()
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
