package auth_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/cloudgate/cloudgate/auth"
	"github.com/cloudgate/cloudgate/translate"
)

// Example shows the wiring cmd/cloudgate does: one gateway key and one
// Directory for both front ends.
func Example() {
	dataDir := exampleDir()
	defer os.RemoveAll(dataDir)
	key, err := auth.LoadOrCreateKey(filepath.Join(dataDir, "gateway.key")) // or auth.KeyFromString(secret)
	if err != nil {
		panic(err)
	}
	// In production: csbackend's Directory (admin keys) instead of a registry file.
	reg, _ := auth.NewRegistry(auth.User{Name: "demo", Account: "demo", APIKey: "AK", Secret: "SK"})
	dir := auth.CachedDirectory(reg, 30*time.Second)
	revoked, err := auth.NewRevocations(filepath.Join(dataDir, "revoked.json"))
	if err != nil {
		panic(err)
	}

	ec2Auth := &auth.SigV4{Directory: dir} // ec2compat.Options.Authenticate = ec2Auth.Authenticate
	tokens := &auth.TokenServer{
		Key: key, Directory: dir, Revocations: revoked,
		TokenURL: "https://127.0.0.1:8443/token",
		Login: func(ctx context.Context, domain, user, password string) (*translate.Principal, error) {
			return nil, translate.Errorf(translate.Unauthenticated, "", "", "wire CloudStack login here")
		},
	}
	r := gin.New()
	tokens.Register(r) // POST /token, /authorize, /revoke, /.well-known/...
	var gceAuthenticate func(*http.Request) (*translate.Principal, error) = tokens.AuthenticateBearer
	var ec2Authenticate func(*http.Request) (*translate.Principal, error) = ec2Auth.Authenticate

	// cloudgate keys create --user demo
	p, _ := dir.ByUserName(context.Background(), "", "demo")
	saJSON, _ := auth.NewServiceAccountKey(p, tokens.TokenURL, key)
	awsCreds, awsConfig := auth.AWSProfile(p, "cloudgate", "zone1", "https://127.0.0.1:8443/")
	_, _, _, _, _ = saJSON, awsCreds, awsConfig, gceAuthenticate, ec2Authenticate
	fmt.Println(auth.ServiceAccountEmail(p))
	// Output: demo@demo.root.cloudgate
}

func exampleDir() string {
	dir, err := os.MkdirTemp("", "cloudgate-auth-example")
	if err != nil {
		panic(err)
	}
	return dir
}
