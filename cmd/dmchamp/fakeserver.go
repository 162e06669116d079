package main

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"sync"

	"github.com/dmchamp-go/dmchamp/dmchamptest"
)

// fakeServer defines "dmchamp fake-server".
func fakeServer(fs *flag.FlagSet) action {
	addr := fs.String("addr", "127.0.0.1:8080", "listen on this `address`; port 0 picks a free one")
	seed := fs.String("seed", "", "load this JSON `file` of contacts, chat sessions, lists, tags, chatbots and clients (see dmchamptest.Seed)")
	return func(x *env, args []string) error {
		if err := wantArgs(args); err != nil {
			return err
		}
		// The credentials the fake accepts come from the flags only: never
		// from the environment, which may hold a real key.
		opts := []dmchamptest.Option{dmchamptest.WithRequestLog(requestLogger(x))}
		if x.g.apiKey != "" {
			opts = append(opts, dmchamptest.WithAPIKey(x.g.apiKey))
		}
		if x.g.userID != "" {
			opts = append(opts, dmchamptest.WithUserID(x.g.userID))
		}
		if x.g.sessionsToken != "" {
			opts = append(opts, dmchamptest.WithSessionsToken(x.g.sessionsToken))
		}
		if x.g.demo {
			opts = append(opts, dmchamptest.WithDemoData())
		}
		var seedData []byte
		if *seed != "" {
			var err error
			if seedData, err = os.ReadFile(*seed); err != nil {
				return usagef("--seed: %v", err)
			}
		}
		srv, err := dmchamptest.Listen(*addr, opts...)
		if err != nil {
			return err
		}
		defer srv.Close()
		if seedData != nil {
			if err := srv.LoadSeed(seedData); err != nil {
				var se *dmchamptest.SeedError
				if errors.As(err, &se) {
					return usagef("--seed %s: %s", *seed, se.Reason)
				}
				return err
			}
		}
		fmt.Fprintf(x.stdout, "export %s=%s\nexport %s=%s\nexport %s=%s\nexport %s=%s\nexport %s=%s\n",
			envBaseURL, srv.BaseURL(), envAPIKey, srv.APIKey(), envUserID, srv.UserID(),
			envSessionsURL, srv.SessionsBaseURL(), envSessionsToken, srv.SessionsToken())
		data := "no data: seed it through the API"
		switch {
		case x.g.demo && seedData != nil:
			data = "demo data and " + *seed
		case x.g.demo:
			data = "demo data"
		case seedData != nil:
			data = "the data of " + *seed
		}
		fmt.Fprintf(x.stderr, "dmchamp: fake-server: serving the DM Champ API and the Session API on %s with %s; Ctrl-C stops it\n", srv.URL(), data)
		<-x.ctx.Done()
		fmt.Fprintln(x.stderr, "dmchamp: fake-server: stopped")
		return nil
	}
}

// requestLogger prints each request on stderr, one a line, as the fake
// recorded it: credentials redacted, no body.
func requestLogger(x *env) func(dmchamptest.Request) {
	var mu sync.Mutex
	return func(r dmchamptest.Request) {
		target := (&url.URL{Path: r.Path, RawQuery: r.Query.Encode()}).RequestURI()
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(x.stderr, "%s %s\n", r.Method, cell(target))
	}
}
