package main

import (
	"flag"
	"strconv"
	"strings"
	"time"

	"github.com/dmchamp-go/dmchamp"
)

// globals are the flags every command accepts.
type globals struct {
	json          bool
	demo          bool
	apiKey        string
	userID        string
	baseURL       string
	sessionsURL   string
	sessionsToken string
	timeout       time.Duration
}

// register adds the global flags to fs. Defaults never come from the
// environment, so usage never prints a credential.
func (g *globals) register(fs *flag.FlagSet) {
	fs.BoolVar(&g.json, "json", false, "print JSON instead of a table")
	fs.BoolVar(&g.demo, "demo", false, "use the built-in demo server instead of an account")
	fs.StringVar(&g.apiKey, "api-key", "", "DM Champ API `key` (default $"+envAPIKey+")")
	fs.StringVar(&g.userID, "user-id", "", "DM Champ user `ID`, instead of an API key (default $"+envUserID+")")
	fs.StringVar(&g.baseURL, "base-url", "", "DM Champ API base `URL` (default $"+envBaseURL+", else "+dmchamp.DefaultBaseURL+")")
	fs.StringVar(&g.sessionsURL, "sessions-url", "", "Session API base `URL` with its /api prefix (default $"+envSessionsURL+")")
	fs.StringVar(&g.sessionsToken, "sessions-token", "", "Session API `token` (default $"+envSessionsToken+")")
	fs.DurationVar(&g.timeout, "timeout", dmchamp.DefaultTimeout, "time limit of each request")
}

// globalFlags holds the names of the global flags.
var globalFlags = func() map[string]bool {
	fs := flag.NewFlagSet("", flag.ContinueOnError)
	new(globals).register(fs)
	names := map[string]bool{}
	fs.VisitAll(func(f *flag.Flag) { names[f.Name] = true })
	return names
}()

// parseInterspersed parses fs from args, where flags and positional
// arguments may be mixed, and returns the positional ones. After "--" every
// argument is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// optBool is a boolean flag that knows whether it was set: --bot,
// --bot=true or --bot=false.
type optBool struct {
	set, value bool
}

func (b *optBool) IsBoolFlag() bool { return true }

func (b *optBool) String() string {
	if b == nil || !b.set {
		return ""
	}
	return strconv.FormatBool(b.value)
}

func (b *optBool) Set(v string) error {
	x, err := strconv.ParseBool(v)
	if err != nil {
		return err
	}
	b.set, b.value = true, x
	return nil
}

// ptr returns nil when the flag was not set.
func (b *optBool) ptr() *bool {
	if !b.set {
		return nil
	}
	return &b.value
}

// chatStatus reads --status of the chat session commands.
func chatStatus(v string) (dmchamp.ChatSessionStatus, error) {
	switch strings.ToLower(v) {
	case "":
		return "", nil
	case "opened", "open", strings.ToLower(string(dmchamp.ChatSessionOpened)):
		return dmchamp.ChatSessionOpened, nil
	case "closed", strings.ToLower(string(dmchamp.ChatSessionClosed)):
		return dmchamp.ChatSessionClosed, nil
	}
	return "", usagef("--status must be opened or closed")
}
