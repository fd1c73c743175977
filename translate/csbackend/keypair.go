package csbackend

import (
	"context"

	"github.com/cloudgate/cloudgate/translate"
)

type keyPairJSON struct {
	ID          flexString `json:"id"`
	Name        string     `json:"name"`
	Fingerprint string     `json:"fingerprint"`
	PublicKey   string     `json:"publickey"`
	PrivateKey  string     `json:"privatekey"`
}

func (k *keyPairJSON) keyPair() *translate.KeyPair {
	return &translate.KeyPair{ID: string(k.ID), Name: k.Name, Fingerprint: k.Fingerprint, PublicKey: k.PublicKey, PrivateKey: k.PrivateKey}
}

func (b *Backend) keyPairCmd(ctx context.Context, cmd string, p params) (*translate.KeyPair, error) {
	raw, err := b.call(ctx, cmd, translate.ResKeyPair, p)
	if err != nil {
		return nil, err
	}
	var r struct {
		KP keyPairJSON `json:"keypair"`
	}
	if err := decode(cmd, raw, &r); err != nil {
		return nil, err
	}
	return r.KP.keyPair(), nil
}

// CreateSSHKeyPair implements translate.CloudStack.
func (b *Backend) CreateSSHKeyPair(ctx context.Context, name string) (*translate.KeyPair, error) {
	return b.keyPairCmd(ctx, "createSSHKeyPair", params{"name": name})
}

// RegisterSSHKeyPair implements translate.CloudStack.
func (b *Backend) RegisterSSHKeyPair(ctx context.Context, name, publicKey string) (*translate.KeyPair, error) {
	kp, err := b.keyPairCmd(ctx, "registerSSHKeyPair", params{"name": name, "publickey": publicKey})
	if err == nil && kp.PublicKey == "" {
		kp.PublicKey = publicKey
	}
	return kp, err
}

// ListSSHKeyPairs implements translate.CloudStack.
func (b *Backend) ListSSHKeyPairs(ctx context.Context, name string) ([]translate.KeyPair, error) {
	items, err := b.list(ctx, "listSSHKeyPairs", translate.ResKeyPair, params{}.set("name", name))
	if err != nil {
		return nil, err
	}
	out := make([]translate.KeyPair, 0, len(items))
	for _, it := range items {
		var k keyPairJSON
		if err := decode("listSSHKeyPairs", it, &k); err != nil {
			return nil, err
		}
		out = append(out, *k.keyPair())
	}
	return out, nil
}

// DeleteSSHKeyPair implements translate.CloudStack.
func (b *Backend) DeleteSSHKeyPair(ctx context.Context, name string) error {
	raw, err := b.call(ctx, "deleteSSHKeyPair", translate.ResKeyPair, params{"name": name})
	if err != nil {
		return err
	}
	return success("deleteSSHKeyPair", raw)
}
