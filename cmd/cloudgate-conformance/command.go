package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/cloudgate/cloudgate/conformance"
)

// newConformanceCommand runs the black-box conformance suite against any
// GCE and/or EC2 endpoint and writes the compatibility matrix. env is the
// environment lookup (os.LookupEnv in production) so tests run hermetically.
func newConformanceCommand(stdout, stderr io.Writer, env func(string) (string, bool)) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cloudgate-conformance",
		Short: "Run the GCE/EC2 conformance suite against endpoints and write the compatibility matrix",
		Long: "With --data-dir (a `cloudgate serve` data dir) the endpoints and demo credentials are read\n" +
			"from its demo files; explicit flags override them. AWS credentials default to\n" +
			"AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_DEFAULT_REGION.",
		DisableFlagParsing: true,
		SilenceUsage:       true,
		SilenceErrors:      true,
	}
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		// The data dir seeds the defaults, so read it before binding the
		// other flags.
		pre := pflag.NewFlagSet("pre", pflag.ContinueOnError)
		pre.ParseErrorsWhitelist.UnknownFlags = true
		pre.SetOutput(io.Discard)
		dataDir := pre.String("data-dir", "", "")
		_ = pre.Parse(args)

		var cfg conformance.Config
		if *dataDir != "" {
			c, err := conformance.DemoConfig(*dataDir)
			if err != nil {
				return err
			}
			cfg = c
		}
		fs := pflag.NewFlagSet("conformance", pflag.ContinueOnError)
		fs.SetOutput(stderr)
		fs.String("data-dir", *dataDir, "a `cloudgate serve` data dir: endpoints and demo credentials from its demo files")
		out := fs.String("out", ".", "directory for compatibility.{md,json,junit.xml}")
		baseline := fs.String("baseline", "", "a previous compatibility.json: fail only on regressions against it")
		quiet := fs.Bool("quiet", false, "no progress lines")
		help := fs.BoolP("help", "h", false, "help for cloudgate-conformance")
		cfg.BindFlags(fs)
		if err := fs.Parse(args); err != nil {
			return err
		}
		if *help {
			fmt.Fprintln(stdout, cmd.Long)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return nil
		}
		for name, field := range map[string]*string{"AWS_ACCESS_KEY_ID": &cfg.AWSAccessKey, "AWS_SECRET_ACCESS_KEY": &cfg.AWSSecret, "AWS_DEFAULT_REGION": &cfg.AWSRegion} {
			if v, ok := env(name); ok && *field == "" {
				*field = v
			}
		}
		if cfg.GCEEndpoint == "" && cfg.EC2Endpoint == "" {
			return fmt.Errorf("nothing to test: give --gce-endpoint and/or --ec2-endpoint, or --data-dir")
		}
		if !*quiet {
			cfg.Progress = stderr
		}
		start := time.Now()
		rep, err := conformance.Run(cmd.Context(), cfg)
		if err != nil {
			return err
		}
		if err := rep.WriteFiles(*out, "compatibility"); err != nil {
			return err
		}
		for _, api := range []string{"gce", "ec2"} {
			s := rep.Scenarios(api)
			fmt.Fprintf(stdout, "%s: %d passed, %d failed, %d skipped\n", api, s.Pass, s.Fail, s.Skip)
		}
		fmt.Fprintf(stdout, "reports in %s (%s)\n", filepath.Join(*out, "compatibility.{md,json,junit.xml}"), time.Since(start).Round(time.Second))
		if *baseline != "" {
			f, err := os.Open(*baseline)
			if err != nil {
				return err
			}
			defer f.Close()
			base, err := conformance.ReadReport(f)
			if err != nil {
				return err
			}
			if regs := rep.Regressions(base); len(regs) > 0 {
				for _, r := range regs {
					fmt.Fprintf(stdout, "REGRESSION %s: %s\n", r.Scenario, r.Reason)
				}
				return fmt.Errorf("%d regressions against %s", len(regs), *baseline)
			}
			return nil
		}
		if rep.Failed() {
			return fmt.Errorf("some scenarios failed (see the report)")
		}
		return nil
	}
	return cmd
}
