package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/cloudlab/cloudlab/internal/endpoint"
	"github.com/cloudlab/cloudlab/internal/invoker"
	"github.com/cloudlab/cloudlab/internal/tui/endpointui"
)

// newEndpointCmd is `cloudlab endpoint`: a local AWS endpoint whose Lambda
// runs real handler processes (docs/endpoint.md).
func newEndpointCmd() *cobra.Command {
	var (
		addr, accessKey string
		keepAlive       time.Duration
		grace           time.Duration
		maxEnvs, maxFns int
		watch           bool
		speed           float64
	)
	cmd := &cobra.Command{
		Use:   "endpoint",
		Short: "Run a local AWS endpoint whose Lambda runs your handlers as real processes",
		Long: `Run a local AWS endpoint: point the AWS CLI or an AWS SDK at it
(--endpoint-url http://127.0.0.1:4566, any credentials), deploy a real
handler (provided.al2023 bootstrap, python3.x, nodejs*.x) and watch real
execution environments start cold, stay warm, scale out, throttle and expire
under the same Lambda policy as the simulator. Logs are readable with
aws logs tail /aws/lambda/NAME. The simulated ECS cluster, EC2 fleet and
Application Auto Scaling answer on the same port (aws ecs, aws ec2,
aws application-autoscaling), their clock following the wall clock times
--speed. See docs/endpoint.md.`,
		Example: `  cloudlab endpoint
  cloudlab endpoint --watch --keep-alive 2m
  cloudlab endpoint --watch --speed 60
  aws --endpoint-url http://127.0.0.1:4566 lambda list-functions`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if keepAlive < time.Second || keepAlive > 24*time.Hour {
				return usagef("--keep-alive must be between 1s and 24h, got %v", keepAlive)
			}
			if !(speed > 0 && speed <= endpoint.MaxSpeed) {
				return usagef("--speed must be above 0 and at most %d, got %v", endpoint.MaxSpeed, speed)
			}
			if accessKey == "" && !endpoint.IsLoopback(addr) {
				return &UsageError{endpoint.ErrNeedsAccessKey}
			}
			base := ""
			if f := cmd.Flag("data"); f != nil && f.Value.String() != "" {
				base = f.Value.String()
			} else if d := os.Getenv("CLOUDLAB_DATA"); d != "" {
				base = d
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			out, errw := cmd.OutOrStdout(), cmd.ErrOrStderr()
			cfg := endpoint.Config{Addr: addr, Base: base, KeepAlive: keepAlive, AccessKey: accessKey,
				MaxEnvironments: maxEnvs, MaxFunctions: maxFns, Grace: grace, Speed: speed}
			if !watch {
				reqs := make(chan string, 1024)
				done := make(chan struct{})
				go func() {
					defer close(done)
					for l := range reqs {
						fmt.Fprintln(out, l)
					}
				}()
				cfg.OnRequest = func(r endpoint.RequestLog) {
					select {
					case reqs <- endpoint.FormatRequest(r):
					default: // a terminal that cannot keep up loses lines, never requests
					}
				}
				cfg.OnStart = func(a string, _ *invoker.Invoker) {
					fmt.Fprintf(out, "cloudlab endpoint on http://%s (Ctrl-C to stop; ECS, EC2 and auto scaling at --speed %g)\n  aws --endpoint-url http://%s lambda list-functions\n  aws --endpoint-url http://%s ecs list-clusters\n", a, speed, a, a)
				}
				err := endpoint.Run(ctx, cfg)
				close(reqs)
				<-done
				return err
			}
			if f, ok := out.(*os.File); !ok || !isatty.IsTerminal(f.Fd()) {
				return usagef("--watch needs a terminal; without it the endpoint prints one line per request")
			}
			reqs := make(chan endpoint.RequestLog, 1024)
			started := make(chan struct{})
			var prog *tea.Program
			cfg.OnRequest = func(r endpoint.RequestLog) {
				select {
				case reqs <- r:
				default:
				}
			}
			var world *endpoint.World
			cfg.OnWorld = func(w *endpoint.World) { world = w }
			cfg.OnStart = func(a string, iv *invoker.Invoker) {
				m := endpointui.New(a, func() endpointui.Snapshot {
					s := endpointui.Take(iv)
					s.ECS = endpointui.TakeWorld(world)
					return s
				}, reqs).WithPrompt(func(line string) (string, error) {
					res, err := world.Shell(line)
					return res.String(), err
				})
				prog = tea.NewProgram(m, tea.WithAltScreen(), tea.WithInput(cmd.InOrStdin()), tea.WithOutput(out))
				close(started)
			}
			runErr := make(chan error, 1)
			rctx, cancel := context.WithCancel(ctx)
			defer cancel()
			go func() { runErr <- endpoint.Run(rctx, cfg) }()
			select {
			case <-started:
			case err := <-runErr:
				return err
			}
			go func() {
				<-ctx.Done()
				prog.Quit()
			}()
			if _, err := prog.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) {
				fmt.Fprintln(errw, "cloudlab: watch view:", err)
			}
			cancel() // q in the view stops the endpoint too
			return <-runErr
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:4566", "listen `ADDRESS` (beyond loopback it requires --access-key)")
	f.DurationVar(&keepAlive, "keep-alive", 10*time.Minute, "how long an idle environment is kept")
	f.BoolVar(&watch, "watch", false, "show the live view of functions, environments and requests")
	f.StringVar(&accessKey, "access-key", "", "verify every request's SigV4 signature with this `ID:SECRET` key")
	f.IntVar(&maxEnvs, "max-environments", 400, "cap on live environments (processes); beyond it invocations are throttled")
	f.IntVar(&maxFns, "max-functions", 100, "cap on functions")
	f.Float64Var(&speed, "speed", 1, "simulated seconds per wall second for ECS, EC2 and auto scaling (60: a minute per second)")
	f.DurationVar(&grace, "grace", 10*time.Second, "at shutdown, how long running invocations may finish")
	cmd.AddCommand(newEndpointPackageCmd())
	return cmd
}

// newEndpointPackageCmd is `cloudlab endpoint package DIR`: a deployment
// package from a handler folder (Go built with the local toolchain).
func newEndpointPackageCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "package DIR",
		Short: "Make a deployment package (zip) from a handler folder",
		Long: `Make a deployment package from a handler folder. A folder with Go files
is built with the local Go toolchain for provided.al2023 (go build -tags
lambda.norpc, the binary zipped as bootstrap); any other folder (Python,
Node.js) is zipped as it is.`,
		Example: `  cloudlab endpoint package labs/lab-real-handler -o function.zip
  aws --endpoint-url http://127.0.0.1:4566 lambda create-function --function-name lab \
    --runtime provided.al2023 --handler bootstrap --role arn:aws:iam::123456789012:role/lab \
    --zip-file fileb://function.zip`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			z, err := invoker.BuildPackage(args[0])
			if err != nil {
				return err
			}
			if len(z) > invoker.MaxZipped {
				return fmt.Errorf("the package is %d bytes, over Lambda's %d-byte limit for a direct upload", len(z), invoker.MaxZipped)
			}
			if err := os.WriteFile(out, z, 0o644); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %d bytes\n", out, len(z))
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "function.zip", "zip `FILE` to write")
	return cmd
}
