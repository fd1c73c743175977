package translate

import "context"

// KeyPair is a CloudStack SSH key pair.
type KeyPair struct {
	ID          string
	Name        string
	Fingerprint string
	PublicKey   string
	PrivateKey  string // only set by CreateKeyPair
	Tags        Tags
}

// CreateKeyPair has CloudStack generate a key pair. AlreadyExists if the
// name is taken.
func (s *Service) CreateKeyPair(ctx context.Context, name string) (*KeyPair, error) {
	return nil, unimplemented("CreateKeyPair")
}

// ImportKeyPair registers an OpenSSH public key. InvalidArgument if the
// key does not parse.
func (s *Service) ImportKeyPair(ctx context.Context, name, publicKey string) (*KeyPair, error) {
	return nil, unimplemented("ImportKeyPair")
}

// KeyPairs lists key pairs (all when names is empty). NotFound if a named
// key pair does not exist.
func (s *Service) KeyPairs(ctx context.Context, names []string) ([]KeyPair, error) {
	return nil, unimplemented("KeyPairs")
}

// DeleteKeyPair deletes a key pair by name.
func (s *Service) DeleteKeyPair(ctx context.Context, name string) error {
	return unimplemented("DeleteKeyPair")
}
