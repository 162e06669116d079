package main

import (
	"flag"
	"fmt"
	"runtime"

	"github.com/dmchamp-go/dmchamp"
)

// versionLine is what "dmchamp version" prints: the SDK's version, which
// the CLI shares, and the Go toolchain and platform it was built for.
func versionLine() string {
	return fmt.Sprintf("dmchamp version %s (%s %s/%s)", dmchamp.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// version defines "dmchamp version".
func version(*flag.FlagSet) action {
	return func(x *env, args []string) error {
		if err := wantArgs(args); err != nil {
			return err
		}
		if x.g.json {
			return x.printJSON(map[string]string{"version": dmchamp.Version, "go": runtime.Version(), "os": runtime.GOOS, "arch": runtime.GOARCH})
		}
		_, err := fmt.Fprintln(x.stdout, versionLine())
		return err
	}
}
