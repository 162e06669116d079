package main

import (
	"fmt"
	"strings"

	"github.com/dmchamp-go/dmchamp"
	"github.com/dmchamp-go/dmchamp/dmchamptest"
)

// Environment variables; the matching flags win over them.
const (
	envAPIKey        = "DMCHAMP_API_KEY"
	envUserID        = "DMCHAMP_USER_ID"
	envBaseURL       = "DMCHAMP_BASE_URL"
	envSessionsURL   = "SESSIONS_BASE_URL"
	envSessionsToken = "SESSIONS_TOKEN"
)

// setting returns the flag's value, else the environment variable's.
func (x *env) setting(flagValue, name string) string {
	if flagValue != "" {
		return flagValue
	}
	return x.getenv(name)
}

// noAccountError is a command run with no account to run against and
// without --demo: exit status 2, with what to set instead of the command's
// usage.
type noAccountError struct {
	missing string // what is not set, e.g. "DM Champ credentials"
	hint    string // what to set, one or more lines
}

func (e *noAccountError) Error() string { return "no " + e.missing + " set" }

// tryDemo ends the hint of a command with no account.
const tryDemo = "To try dmchamp on the built-in demo server with sample data, add --demo.\n"

// checkAccount returns a *noAccountError when the command needs an account
// that is not configured: a DM Champ command with no API key or user ID, a
// Session API command with no base URL or token. A base URL alone is no
// account; only --demo leads to the demo server.
func (x *env) checkAccount() error {
	switch x.cmd.api {
	case apiDMChamp:
		if x.setting(x.g.apiKey, envAPIKey) == "" && x.setting(x.g.userID, envUserID) == "" {
			return &noAccountError{missing: "DM Champ credentials", hint: fmt.Sprintf(
				"To use your account, set %s or %s (and %s\nfor a server other than %s), or pass --api-key or --user-id.\n"+tryDemo,
				envAPIKey, envUserID, envBaseURL, dmchamp.DefaultBaseURL)}
		}
	case apiSessions:
		var missing []string
		if x.setting(x.g.sessionsURL, envSessionsURL) == "" {
			missing = append(missing, "base URL")
		}
		if x.setting(x.g.sessionsToken, envSessionsToken) == "" {
			missing = append(missing, "token")
		}
		if len(missing) > 0 {
			return &noAccountError{missing: "Session API " + strings.Join(missing, " and "), hint: fmt.Sprintf(
				"To use your chatbot server, set %s (with its /api prefix) and\n%s, or pass --sessions-url and --sessions-token.\n"+tryDemo,
				envSessionsURL, envSessionsToken)}
		}
	}
	return nil
}

// client returns the command's client, built on first use: of the demo
// server with --demo, which it starts and names on stderr in one line;
// else of the configured account, or a *noAccountError.
func (x *env) client() (*dmchamp.Client, error) {
	if x.c != nil {
		return x.c, nil
	}
	opts := []dmchamp.Option{
		dmchamp.WithTimeout(x.g.timeout),
		dmchamp.WithUserAgent("dmchamp-cli/" + dmchamp.Version),
	}
	if x.g.demo {
		x.srv = dmchamptest.NewServer(dmchamptest.WithDemoData())
		fmt.Fprintln(x.stderr, "dmchamp: --demo: using the built-in demo server")
		opts = append(opts, x.srv.ClientOptions()...)
	} else {
		if err := x.checkAccount(); err != nil {
			return nil, err
		}
		opts = append(opts, x.accountOptions()...)
	}
	c, err := dmchamp.NewClient(opts...)
	if err != nil {
		// A bad URL, timeout or credential: the option errors never
		// repeat a credential.
		return nil, usagef("%s", strings.TrimPrefix(err.Error(), "dmchamp: "))
	}
	x.c = c
	return c, nil
}

// accountOptions returns the options for the user's own account. Flags win
// over the environment; of the two DM Champ credentials in the environment,
// the API key wins.
func (x *env) accountOptions() []dmchamp.Option {
	var opts []dmchamp.Option
	key, uid := x.g.apiKey, x.g.userID
	if key == "" && uid == "" {
		if key = x.getenv(envAPIKey); key == "" {
			uid = x.getenv(envUserID)
		}
	}
	if key != "" {
		opts = append(opts, dmchamp.WithAPIKey(key))
	}
	if uid != "" {
		opts = append(opts, dmchamp.WithUserID(uid))
	}
	if u := x.setting(x.g.baseURL, envBaseURL); u != "" {
		opts = append(opts, dmchamp.WithBaseURL(u))
	}
	if u := x.setting(x.g.sessionsURL, envSessionsURL); u != "" {
		opts = append(opts, dmchamp.WithSessionsBaseURL(u))
	}
	if t := x.setting(x.g.sessionsToken, envSessionsToken); t != "" {
		opts = append(opts, dmchamp.WithSessionsToken(t))
	}
	return opts
}
