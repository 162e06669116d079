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

// demoReason says why the command runs against the demo server, or returns
// "" when it runs against a real one. A configured base URL without a
// credential is not demo mode: the user meant a real server.
func (x *env) demoReason() string {
	switch {
	case x.g.demo:
		return "--demo"
	case x.cmd.api == apiDMChamp && x.setting(x.g.apiKey, envAPIKey) == "" &&
		x.setting(x.g.userID, envUserID) == "" && x.setting(x.g.baseURL, envBaseURL) == "":
		return "no credentials set"
	case x.cmd.api == apiSessions && x.setting(x.g.sessionsURL, envSessionsURL) == "":
		return "no Session API URL set"
	}
	return ""
}

// client returns the command's client, built on first use. In demo mode it
// starts the demo server and says so on stderr, in one line.
func (x *env) client() (*dmchamp.Client, error) {
	if x.c != nil {
		return x.c, nil
	}
	opts := []dmchamp.Option{
		dmchamp.WithTimeout(x.g.timeout),
		dmchamp.WithUserAgent("dmchamp-cli/" + dmchamp.Version),
	}
	if reason := x.demoReason(); reason != "" {
		x.srv = dmchamptest.NewServer(dmchamptest.WithDemoData())
		x.demo = true
		see := " (see --help)"
		if x.g.demo {
			see = ""
		}
		fmt.Fprintf(x.stderr, "dmchamp: %s: using the built-in demo server%s\n", reason, see)
		opts = append(opts, x.srv.ClientOptions()...)
	} else {
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
