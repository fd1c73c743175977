package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/cloudgate/cloudgate/certs"
)

func newCertsCommand(stdout io.Writer, env func(string) (string, bool)) *cobra.Command {
	certsCmd := &cobra.Command{Use: "certs", Short: "Manage the local CA and server certificate"}
	initCmd := &cobra.Command{
		Use:                "init",
		Short:              "Create (or renew) the local CA and the server certificate in the data dir",
		DisableFlagParsing: true,
	}
	fs := initCmd.Flags()
	serveFlags(fs)
	fs.BoolP("help", "h", false, "help for certs init")
	initCmd.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := Load(fs, args, env)
		if err != nil {
			return err
		}
		if help, _ := fs.GetBool("help"); help {
			return cmd.Usage()
		}
		b, err := certs.Init(c.DataDir, tlsNames(c))
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "CA: %s\n%s\n", filepath.Join(c.DataDir, "ca.pem"), b)
		return nil
	}
	certsCmd.AddCommand(initCmd)
	return certsCmd
}

// tlsNames are the extra SANs of the server certificate: configured names
// plus the host of the external URL.
func tlsNames(c *Config) []string {
	names := append([]string{}, c.TLSNames...)
	if c.ExternalURL != "" {
		if h := hostOf(c.ExternalURL); h != "" {
			names = append(names, h)
		}
	}
	return names
}
