package simulator_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/apache/cloudstack-go/v2/cloudstack"
)

func TestSSHKeyPairs(t *testing.T) {
	srv := mustServer(t, nil)
	cs := mustClient(t, srv, "demo")
	cat := mustCatalog(t, cs)

	kp, err := cs.SSH.CreateSSHKeyPair(cs.SSH.NewCreateSSHKeyPairParams("k1"))
	if err != nil || kp.Name != "k1" || !strings.HasPrefix(kp.Privatekey, "-----BEGIN RSA PRIVATE KEY-----") || len(kp.Fingerprint) != 47 {
		t.Fatalf("create: %v %+v", err, kp)
	}
	_, err = cs.SSH.CreateSSHKeyPair(cs.SSH.NewCreateSSHKeyPairParams("k1"))
	wantErr(t, err, "431", "already exists")

	_, err = cs.SSH.RegisterSSHKeyPair(cs.SSH.NewRegisterSSHKeyPairParams("bad", "not a key"))
	wantErr(t, err, "431", "invalid")

	// Deploy from a password-enabled template with the key: getVMPassword is
	// encrypted with the key and decrypts with the private key.
	p := cs.VirtualMachine.NewDeployVirtualMachineParams(cat.small, cat.centos, cat.zone)
	p.SetKeypair("k1")
	vm, err := cs.VirtualMachine.DeployVirtualMachine(p)
	if err != nil || vm.Keypairs != "k1" || vm.Password == "" || !vm.Passwordenabled {
		t.Fatalf("deploy: %v %+v", err, vm)
	}
	// cloudstack-go's GetVMPassword does not unwrap the "password" object real
	// CloudStack returns, so read it through the Custom service.
	var pw struct {
		Password struct {
			Encryptedpassword string `json:"encryptedpassword"`
		} `json:"password"`
	}
	cp := &cloudstack.CustomServiceParams{}
	cp.SetParam("id", vm.Id)
	if err := custom(cs).CustomRequest("getVMPassword", cp, &pw); err != nil {
		t.Fatalf("getVMPassword: %v", err)
	}
	enc, _ := base64.StdEncoding.DecodeString(pw.Password.Encryptedpassword)
	blk, _ := pem.Decode([]byte(kp.Privatekey))
	key, err := x509.ParsePKCS1PrivateKey(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := rsa.DecryptPKCS1v15(rand.Reader, key, enc)
	if err != nil || string(plain) != vm.Password {
		t.Fatalf("decrypt: %v %q want %q", err, plain, vm.Password)
	}

	l, err := cs.SSH.ListSSHKeyPairs(cs.SSH.NewListSSHKeyPairsParams())
	if err != nil || l.Count != 1 || l.SSHKeyPairs[0].Fingerprint != kp.Fingerprint {
		t.Fatalf("list: %v %+v", err, l)
	}
	if _, err := cs.SSH.DeleteSSHKeyPair(cs.SSH.NewDeleteSSHKeyPairParams("k1")); err != nil {
		t.Fatalf("delete: %v", err)
	}
	_, err = cs.SSH.DeleteSSHKeyPair(cs.SSH.NewDeleteSSHKeyPairParams("k1"))
	wantErr(t, err, "431", "does not exist")
}

func TestRegisterSSHKeyPair(t *testing.T) {
	srv := mustServer(t, nil)
	cs := mustClient(t, srv, "demo")
	// ssh-ed25519 key from RFC 8709 test material shape (any well-formed blob works).
	blob := append([]byte{0, 0, 0, 11}, []byte("ssh-ed25519")...)
	blob = append(blob, 0, 0, 0, 32)
	blob = append(blob, make([]byte, 32)...)
	pub := "ssh-ed25519 " + base64.StdEncoding.EncodeToString(blob) + " me@host"
	kp, err := cs.SSH.RegisterSSHKeyPair(cs.SSH.NewRegisterSSHKeyPairParams("ed", pub))
	if err != nil || kp.Name != "ed" || kp.Fingerprint == "" {
		t.Fatalf("register: %v %+v", err, kp)
	}
	_, err = cs.SSH.RegisterSSHKeyPair(cs.SSH.NewRegisterSSHKeyPairParams("ed2", pub))
	wantErr(t, err, "431", "same public key")
}
