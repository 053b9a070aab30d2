package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// credentials are the files the API server and its clients need, all in the private temporary directory.
type credentials struct {
	caCert, servingCert, servingKey, adminCert, adminKey, saKey, kubeconfig string
}

type keyPair struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

// writeCredentials creates a CA, a serving certificate for 127.0.0.1 and localhost, an admin client certificate
// (CN admin, O system:masters: RBAC's superuser group) and a service-account signing key. Keys are ECDSA P-256:
// fast to generate, and accepted by the API server for serving, client and service-account tokens (ES256).
func writeCredentials(dir string) (credentials, error) {
	c := credentials{
		caCert:      filepath.Join(dir, "ca.crt"),
		servingCert: filepath.Join(dir, "serving.crt"),
		servingKey:  filepath.Join(dir, "serving.key"),
		adminCert:   filepath.Join(dir, "admin.crt"),
		adminKey:    filepath.Join(dir, "admin.key"),
		saKey:       filepath.Join(dir, "service-account.key"),
		kubeconfig:  filepath.Join(dir, "kubeconfig"),
	}
	ca, err := issue(nil, &x509.Certificate{
		Subject:               pkix.Name{CommonName: "cdk8s-kubevirt-conformance-ca"},
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	})
	if err != nil {
		return c, err
	}
	serving, err := issue(&ca, &x509.Certificate{
		Subject:     pkix.Name{CommonName: "kube-apiserver"},
		DNSNames:    []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	if err != nil {
		return c, err
	}
	admin, err := issue(&ca, &x509.Certificate{
		Subject:     pkix.Name{CommonName: "admin", Organization: []string{"system:masters"}},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
	if err != nil {
		return c, err
	}
	sa, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return c, err
	}
	for _, w := range []struct {
		path string
		kp   keyPair
	}{{c.caCert, ca}, {c.servingCert, serving}, {c.adminCert, admin}} {
		if err := writePEM(w.path, "CERTIFICATE", w.kp.cert.Raw); err != nil {
			return c, err
		}
	}
	for _, w := range []struct {
		path string
		key  *ecdsa.PrivateKey
	}{{c.servingKey, serving.key}, {c.adminKey, admin.key}, {c.saKey, sa}} {
		der, err := x509.MarshalECPrivateKey(w.key)
		if err != nil {
			return c, err
		}
		if err := writePEM(w.path, "EC PRIVATE KEY", der); err != nil {
			return c, err
		}
	}
	return c, nil
}

// issue creates a key and a certificate from template, signed by parent (self-signed when parent is nil).
func issue(parent *keyPair, template *x509.Certificate) (keyPair, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return keyPair{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return keyPair{}, err
	}
	template.SerialNumber = serial
	template.NotBefore = time.Now().Add(-time.Hour)
	template.NotAfter = time.Now().Add(7 * 24 * time.Hour)
	signer, signerKey := template, key
	if parent != nil {
		signer, signerKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, template, signer, &key.PublicKey, signerKey)
	if err != nil {
		return keyPair{}, fmt.Errorf("create certificate %q: %w", template.Subject.CommonName, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return keyPair{}, err
	}
	return keyPair{cert: cert, key: key}, nil
}

func writePEM(path, kind string, der []byte) error {
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600)
}

// writeKubeconfig writes an admin kubeconfig (for kubectl or client-go, if a developer has them).
func writeKubeconfig(c credentials, url string) error {
	text := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: conformance
  cluster:
    server: %s
    certificate-authority: %s
users:
- name: admin
  user:
    client-certificate: %s
    client-key: %s
contexts:
- name: conformance
  context:
    cluster: conformance
    user: admin
current-context: conformance
`, url, c.caCert, c.adminCert, c.adminKey)
	return os.WriteFile(c.kubeconfig, []byte(text), 0o600)
}
