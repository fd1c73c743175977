package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/cloudgate/cloudgate/auth"
)

func newKeysCommand(stdout io.Writer, env func(string) (string, bool)) *cobra.Command {
	keys := &cobra.Command{Use: "keys", Short: "Issue client credentials for CloudStack users"}
	create := &cobra.Command{
		Use:   "create --user NAME",
		Short: "Write a GCE service-account key and an AWS credentials profile for a CloudStack user",
		Long: "Writes NAME-gce-key.json (token_uri points at the gateway), NAME-aws-credentials and\n" +
			"NAME-aws-config into --out. Keys are endorsed by the gateway key (DATA_DIR/gateway.key or\n" +
			"CLOUDGATE_AUTH_KEY), so every replica sharing that key accepts them.",
		DisableFlagParsing: true,
	}
	fs := create.Flags()
	serveFlags(fs)
	fs.String("user", "", "CloudStack user name (required)")
	fs.String("domain", "", "CloudStack domain path (default ROOT)")
	fs.String("out", ".", "directory to write the files to")
	fs.String("profile", "", "AWS profile name (default: the user name)")
	fs.BoolP("help", "h", false, "help for keys create")
	create.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := Load(fs, args, env)
		if err != nil {
			return err
		}
		if fs.Changed("profile") {
			// keys' --profile is the AWS profile name, not serve's simulator profile (every
			// shipped profile has the same accounts and keys).
			c.Simulator.Profile = ""
		}
		if help, _ := fs.GetBool("help"); help {
			return cmd.Usage()
		}
		user, _ := fs.GetString("user")
		domain, _ := fs.GetString("domain")
		out, _ := fs.GetString("out")
		profile, _ := fs.GetString("profile")
		if user == "" {
			return fmt.Errorf("--user is required")
		}
		if profile == "" {
			profile = user
		}
		logger := slog.New(slog.NewTextHandler(io.Discard, nil))
		// Without a CloudStack URL the users are the embedded simulator's,
		// which are deterministic for a given seed.
		c.Simulator.Listen = "127.0.0.1:0"
		be, err := startBackend(c, logger)
		if err != nil {
			return err
		}
		defer be.Close()
		base := c.externalURL(c.Listen)
		id, err := newIdentity(c, be, base+"/token", logger)
		if err != nil {
			return err
		}
		p, err := id.dir.ByUserName(cmd.Context(), domain, user)
		if err != nil {
			return fmt.Errorf("user %q: %w", user, err)
		}
		key, err := auth.NewServiceAccountKey(p, base+"/token", id.key)
		if err != nil {
			return err
		}
		creds, conf := auth.AWSProfile(p, profile, c.Region, base)
		files := map[string][]byte{
			user + "-gce-key.json":    key,
			user + "-aws-credentials": creds,
			user + "-aws-config":      conf,
		}
		if err := os.MkdirAll(out, 0o700); err != nil {
			return err
		}
		for name, data := range files {
			path := filepath.Join(out, name)
			if err := os.WriteFile(path, data, 0o600); err != nil {
				return err
			}
			fmt.Fprintln(stdout, "wrote", path)
		}
		return nil
	}
	keys.AddCommand(create)
	return keys
}
