// Command k8s-bundle links the pinned Kubernetes control plane, etcd, kubectl and KWOK into one binary,
// so the test bed compiles and links them once. The first argument picks the component:
//
//	k8s-bundle kube-apiserver --etcd-servers=...
//	k8s-bundle etcd --data-dir=...
//
// Each entry point below is a copy of that component's own main function at the pinned version.
package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
	_ "time/tzdata" // CronJob time zones, as the upstream mains do

	"github.com/spf13/pflag"
	"go.etcd.io/etcd/server/v3/etcdmain"
	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	kubectlcmd "k8s.io/kubectl/pkg/cmd"
	kubectlutil "k8s.io/kubectl/pkg/cmd/util"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
	kwokconfig "sigs.k8s.io/kwok/pkg/config"
	kwokcmd "sigs.k8s.io/kwok/pkg/kwok/cmd"
	kwoklog "sigs.k8s.io/kwok/pkg/log"
	"sigs.k8s.io/kwok/pkg/utils/signals"
)

var components = map[string]func(args []string) int{
	"etcd": func(args []string) int {
		etcdmain.Main(append([]string{"etcd"}, args...))
		return 0
	},
	"kube-apiserver": func(args []string) int {
		c := apiserver.NewAPIServerCommand()
		c.SetArgs(args)
		return cli.Run(c)
	},
	"kube-controller-manager": func(args []string) int {
		c := controllermanager.NewControllerManagerCommand()
		c.SetArgs(args)
		return cli.Run(c)
	},
	"kube-scheduler": func(args []string) int {
		c := scheduler.NewSchedulerCommand()
		c.SetArgs(args)
		return cli.Run(c)
	},
	"kubectl": func(args []string) int {
		c := kubectlcmd.NewDefaultKubectlCommand()
		c.SetArgs(args)
		if err := cli.RunNoErrOutput(c); err != nil {
			kubectlutil.CheckErr(err)
		}
		return 0
	},
	"kwok": runKwok,
}

func runKwok(args []string) int {
	// The Kubernetes components linked here register a global --version flag (component-base
	// verflag) that cobra would mistake for KWOK's own boolean --version.
	pflag.CommandLine = pflag.NewFlagSet("kwok", pflag.ContinueOnError)
	flags := pflag.NewFlagSet("global", pflag.ContinueOnError)
	flags.ParseErrorsAllowlist.UnknownFlags = true
	flags.Usage = func() {}
	ctx := signals.SetupSignalContext()
	ctx, logger := kwoklog.InitFlags(ctx, flags)
	ctx, err := kwokconfig.InitFlags(ctx, flags)
	if err != nil {
		logger.Error("Init config flags", "err", err)
		return 1
	}
	c := kwokcmd.NewCommand(ctx)
	c.PersistentFlags().AddFlagSet(flags)
	c.SetArgs(args)
	if err := c.ExecuteContext(ctx); err != nil {
		logger.Error("Execute exit", "err", err)
		return 1
	}
	return 0
}

func main() {
	name := ""
	if len(os.Args) > 1 {
		name = os.Args[1]
	}
	run, ok := components[name]
	if !ok {
		names := make([]string, 0, len(components))
		for n := range components {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintf(os.Stderr, "usage: k8s-bundle <%s> [flags]\n", strings.Join(names, "|"))
		os.Exit(2)
	}
	// The components read os.Args for their name in logs and help text.
	os.Args = append([]string{name}, os.Args[2:]...)
	os.Exit(run(os.Args[1:]))
}
