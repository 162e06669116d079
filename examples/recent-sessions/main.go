// Command recent-sessions prints the DM Champ chat sessions of the past hours.
//
//	DMCHAMP_API_KEY=... go run ./examples/recent-sessions -hours 24 -messages
//
// DMCHAMP_USER_ID may replace DMCHAMP_API_KEY; DMCHAMP_BASE_URL overrides
// the API base URL. With -demo, and only then, it runs against an in-memory
// demo server (package dmchamptest); with neither credential nor -demo it
// exits with status 2 and says what to set.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"text/tabwriter"
	"time"

	"github.com/dmchamp-go/dmchamp"
	"github.com/dmchamp-go/dmchamp/dmchamptest"
)

func main() {
	os.Exit(run())
}

func run() int {
	hours := flag.Int("hours", 24, "how many hours to look back")
	messages := flag.Bool("messages", false, "print each session's messages")
	demo := flag.Bool("demo", false, "use the built-in demo server and its sample data")
	flag.Parse()

	opts, ok := options()
	switch {
	case *demo:
		srv := dmchamptest.NewServer(dmchamptest.WithDemoData())
		defer srv.Close()
		fmt.Fprintln(os.Stderr, "recent-sessions: -demo: using the built-in demo server")
		opts = srv.ClientOptions()
	case !ok:
		fmt.Fprintln(os.Stderr, "recent-sessions: set DMCHAMP_API_KEY (or DMCHAMP_USER_ID), or add -demo to use the built-in demo server")
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()

	if err := printRecent(ctx, opts, *hours, *messages); err != nil {
		fmt.Fprintln(os.Stderr, "recent-sessions:", err)
		if errors.Is(err, dmchamp.ErrUnauthorized) {
			fmt.Fprintln(os.Stderr, "recent-sessions: the credential was refused: check DMCHAMP_API_KEY or DMCHAMP_USER_ID")
		}
		return 1
	}
	return 0
}

// options returns the client options of the user's account, if configured.
func options() ([]dmchamp.Option, bool) {
	var opts []dmchamp.Option
	switch key, user := os.Getenv("DMCHAMP_API_KEY"), os.Getenv("DMCHAMP_USER_ID"); {
	case key != "":
		opts = append(opts, dmchamp.WithAPIKey(key))
	case user != "":
		opts = append(opts, dmchamp.WithUserID(user))
	default:
		return nil, false
	}
	if base := os.Getenv("DMCHAMP_BASE_URL"); base != "" {
		opts = append(opts, dmchamp.WithBaseURL(base))
	}
	return opts, true
}

func printRecent(ctx context.Context, opts []dmchamp.Option, hours int, messages bool) error {
	c, err := dmchamp.NewClient(opts...)
	if err != nil {
		return err
	}
	recent, err := c.ChatSessions.Recent(ctx, &dmchamp.RecentChatSessionsOptions{
		Hours:           hours,
		IncludeMessages: messages,
	})
	if err != nil {
		return err
	}

	fmt.Printf("%d sessions in the past %d hours\n\n", recent.TotalSessions, recent.HoursAgo)
	w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "STARTED\tCONTACT\tPHONE\tSTATUS\tTAG")
	for _, s := range recent.Sessions {
		tag := "-"
		if s.Tag != nil {
			tag = *s.Tag
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", s.StartDateTime.Local().Format("Jan 02 15:04"),
			s.ContactName, s.ContactPhone, s.Status, tag)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if !messages {
		return nil
	}
	for _, s := range recent.Sessions {
		fmt.Printf("\n== %s (%s)\n", s.ContactName, s.SessionID)
		for _, m := range s.Messages {
			arrow := "<-"
			if m.Direction == dmchamp.DirectionOutbound {
				arrow = "->"
			}
			fmt.Printf("  %s %s\n", arrow, m.Body)
		}
	}
	return nil
}
