package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/spf13/cobra"

	"github.com/cloudgate/cloudgate/auth"
	"github.com/cloudgate/cloudgate/simulator"
)

func newSimulatorCommand(stdout, stderr io.Writer, env func(string) (string, bool)) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "simulator",
		Short: "Run the fake CloudStack management server (the demo datacenter)",
		// Flags are parsed by Load so file, env and flags share one path.
		DisableFlagParsing: true,
	}
	fs := cmd.Flags()
	fs.String("config", "", "YAML config file (also CLOUDGATE_CONFIG)")
	fs.String("listen", "", "address to listen on (default 127.0.0.1:8096)")
	fs.String("seed", "", "seed file (instead of --profile)")
	fs.String("profile", "", "datacenter profile: "+strings.Join(simulator.Profiles(), ", ")+" (default "+simulator.ProfileDemo+": CloudStack's default settings)")
	fs.String("state", "", "state file; state survives restarts")
	fs.Duration("job-latency", 0, "how long async jobs stay pending")
	fs.Duration("expunge-delay", 0, "override expunge.delay and expunge.interval (default: the profile's settings)")
	fs.String("log-level", "", "debug, info, warn or error")
	fs.String("registry-out", "", "write the seeded users and their API keys as a cloudgate users registry (mode 0600) for `serve --registry`")
	fs.BoolP("help", "h", false, "help for simulator")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := load(fs, args, env, map[string]string{
			"listen": "simulator.listen", "seed": "simulator.seed", "profile": "simulator.profile", "state": "simulator.state",
			"job-latency": "simulator.job_latency", "expunge-delay": "simulator.expunge_delay",
			"log-level": "log_level",
		})
		if err != nil {
			return err
		}
		if help, _ := fs.GetBool("help"); help {
			return cmd.Usage()
		}
		listen := c.Simulator.Listen
		if listen == defaults["simulator.listen"] && !fs.Changed("listen") {
			listen = "127.0.0.1:8096"
		}
		logger := newLogger(stderr, c.LogLevel)
		seed, err := loadSeed(c.Simulator.Seed, c.Simulator.Profile, simulator.ProfileDemo)
		if err != nil {
			return err
		}
		sim, err := simulator.New(&simulator.Options{
			Seed:         seed,
			Listen:       listen,
			StateFile:    c.Simulator.State,
			JobLatency:   c.Simulator.JobLatency,
			ExpungeDelay: c.Simulator.ExpungeDelay,
			Logger:       logger,
		})
		if err != nil {
			return err
		}
		defer sim.Close()
		fmt.Fprintf(stdout, "CloudStack simulator listening on %s\n", sim.URL())
		for _, a := range seed.Accounts {
			if key, _, ok := sim.UserKeys(a.Name); ok {
				fmt.Fprintf(stdout, "  user %-8s api key %s\n", a.Name, key)
			}
		}
		if out, _ := fs.GetString("registry-out"); out != "" {
			if err := writeRegistry(out, sim, seed); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "users registry (with secrets) written to %s\n", out)
		}
		<-cmd.Context().Done()
		return nil
	}
	return cmd
}

// writeRegistry writes the simulator's users in the auth registry format.
// Each seeded account has one user of the same name.
func writeRegistry(path string, sim *simulator.Server, seed *simulator.Seed) error {
	var users []auth.User
	for _, a := range seed.Accounts {
		key, secret, ok := sim.UserKeys(a.Name)
		if !ok {
			continue
		}
		users = append(users, auth.User{Name: a.Name, Account: a.Name, Domain: "ROOT", APIKey: key, Secret: secret, Admin: a.Admin})
	}
	data, err := yaml.Marshal(map[string]any{"users": users})
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o600)
}

// loadSeed reads a seed file, or else the named profile (def when empty).
func loadSeed(path, profile, def string) (*simulator.Seed, error) {
	if path != "" && profile != "" {
		return nil, fmt.Errorf("--seed and --profile are exclusive")
	}
	if path != "" {
		return simulator.LoadSeed(path)
	}
	if profile == "" {
		profile = def
	}
	return simulator.ProfileSeed(profile)
}
