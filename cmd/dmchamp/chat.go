package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/dmchamp-go/dmchamp"
)

// chatCreate defines "dmchamp chat create".
func chatCreate(fs *flag.FlagSet) action {
	chatbot := fs.String("chatbot", "", "the chatbot's `ID` (required)")
	client := fs.String("client", "", "the client's `ID` (required)")
	title := fs.String("title", "", "the session's `title`")
	return func(x *env, args []string) error {
		if err := wantArgs(args); err != nil {
			return err
		}
		missing := *chatbot == "" || *client == ""
		if missing && !x.g.demo {
			return usagef("--chatbot and --client are required")
		}
		c, err := x.client()
		if err != nil {
			return err
		}
		req := &dmchamp.CreateSessionRequest{ChatbotID: *chatbot, ClientID: *client, Title: *title}
		var newest *dmchamp.Session
		if missing { // demo mode: use the chatbot and client of the newest session
			page, err := c.Sessions.List(x.ctx, &dmchamp.ListSessionsOptions{Limit: 1})
			if err != nil {
				return err
			}
			if len(page.Sessions) == 0 {
				return errors.New("the demo server has no session to take a chatbot and a client from")
			}
			newest = &page.Sessions[0]
			req.ChatbotID = cmp.Or(req.ChatbotID, newest.Chatbot.ID)
			req.ClientID = cmp.Or(req.ClientID, newest.Client.ID)
		}
		s, err := c.Sessions.Create(x.ctx, req)
		if err != nil {
			return err
		}
		if x.g.json {
			return x.printJSON(s)
		}
		shown := *s
		if newest != nil { // Create answers with bare ids: show the names
			if shown.Chatbot.ID == newest.Chatbot.ID {
				shown.Chatbot = newest.Chatbot
			}
			if shown.Client.ID == newest.Client.ID {
				shown.Client = newest.Client
			}
		}
		return printSession(x.stdout, &shown, false)
	}
}

// chatGet defines "dmchamp chat get".
func chatGet(fs *flag.FlagSet) action {
	return func(x *env, args []string) error {
		if err := wantArgs(args, "ID"); err != nil {
			return err
		}
		c, err := x.client()
		if err != nil {
			return err
		}
		s, err := c.Sessions.Get(x.ctx, args[0])
		if err != nil {
			return err
		}
		if x.g.json {
			return x.printJSON(s)
		}
		return printSession(x.stdout, s, true)
	}
}

// chatList defines "dmchamp chat list".
func chatList(fs *flag.FlagSet) action {
	status := fs.String("status", "", "keep only sessions with this `status`: ACTIVE, COMPLETED, TERMINATED or SCHEDULED")
	chatbot := fs.String("chatbot", "", "keep only the sessions of this chatbot `ID`")
	client := fs.String("client", "", "keep only the sessions of this client `ID`")
	limit := fs.Int("limit", 0, "page size, `N` sessions (default: the server's, 10)")
	all := fs.Bool("all", false, "list the sessions of every page, not just the first")
	return func(x *env, args []string) error {
		if err := wantArgs(args); err != nil {
			return err
		}
		if *limit < 0 {
			return usagef("--limit must not be negative")
		}
		st := dmchamp.SessionStatus(strings.ToUpper(*status))
		switch st {
		case "", dmchamp.SessionActive, dmchamp.SessionCompleted, dmchamp.SessionTerminated, dmchamp.SessionScheduled:
		default:
			return usagef("--status must be ACTIVE, COMPLETED, TERMINATED or SCHEDULED")
		}
		c, err := x.client()
		if err != nil {
			return err
		}
		opts := &dmchamp.ListSessionsOptions{Status: st, ChatbotID: *chatbot, ClientID: *client, Limit: *limit}
		if *all {
			list := []dmchamp.Session{}
			for s, err := range c.Sessions.All(x.ctx, opts) {
				if err != nil {
					return err
				}
				list = append(list, *s)
			}
			if x.g.json {
				return x.printJSON(list)
			}
			return sessionTable(x.stdout, list)
		}
		page, err := c.Sessions.List(x.ctx, opts)
		if err != nil {
			return err
		}
		if x.g.json {
			return x.printJSON(page)
		}
		if err := sessionTable(x.stdout, page.Sessions); err != nil {
			return err
		}
		if page.HasMore {
			_, err = fmt.Fprintln(x.stdout, "\nMore sessions follow: use --all, or a larger --limit.")
		}
		return err
	}
}

// chatSend defines "dmchamp chat send".
func chatSend(fs *flag.FlagSet) action {
	return func(x *env, args []string) error {
		if len(args) == 0 {
			return usagef("missing ID and TEXT")
		}
		text := strings.Join(args[1:], " ")
		if len(args) == 2 && args[1] == "-" {
			b, err := io.ReadAll(x.stdin)
			if err != nil {
				return fmt.Errorf("reading the message: %w", err)
			}
			text = strings.TrimSpace(string(b))
		}
		if strings.TrimSpace(text) == "" {
			return usagef("missing TEXT (or - to read it from standard input)")
		}
		c, err := x.client()
		if err != nil {
			return err
		}
		reply, err := c.Sessions.Ask(x.ctx, args[0], text)
		if err != nil {
			return err
		}
		if x.g.json {
			return x.printJSON(reply)
		}
		_, err = fmt.Fprintln(x.stdout, strings.TrimRight(reply.Content, "\n"))
		return err
	}
}

// chatEnd defines "dmchamp chat end".
func chatEnd(fs *flag.FlagSet) action {
	return func(x *env, args []string) error {
		if err := wantArgs(args, "ID"); err != nil {
			return err
		}
		c, err := x.client()
		if err != nil {
			return err
		}
		s, err := c.Sessions.End(x.ctx, args[0])
		if err != nil {
			return err
		}
		if x.g.json {
			return x.printJSON(s)
		}
		return printSession(x.stdout, s, false)
	}
}

// sessionTable lists Session API sessions.
func sessionTable(w io.Writer, list []dmchamp.Session) error {
	rows := make([][]string, len(list))
	for i, s := range list {
		rows[i] = []string{s.ID, when(s.StartTime), string(s.Status), refName(s.Chatbot), refName(s.Client), s.Title, strconv.Itoa(len(s.Messages))}
	}
	return table(w, []string{"ID", "STARTED", "STATUS", "CHATBOT", "CLIENT", "TITLE", "MESSAGES"}, rows, nil)
}

// printSession shows one Session API session, and its messages if asked.
func printSession(w io.Writer, s *dmchamp.Session, withMessages bool) error {
	feedback := ""
	if f := s.Feedback; f != nil {
		if f.Rating != 0 {
			feedback = strconv.FormatFloat(f.Rating, 'f', -1, 64) + "/5 "
		}
		feedback += f.Comment
	}
	err := details(w, [][2]string{
		{"ID", s.ID},
		{"TITLE", s.Title},
		{"STATUS", string(s.Status)},
		{"CHATBOT", refLabel(s.Chatbot)},
		{"CLIENT", refLabel(s.Client)},
		{"STARTED", longWhen(&s.StartTime)},
		{"ENDED", longWhen(s.EndTime)},
		{"FEEDBACK", feedback},
		{"MESSAGES", strconv.Itoa(len(s.Messages))},
	})
	if err != nil || !withMessages || len(s.Messages) == 0 {
		return err
	}
	var b strings.Builder
	b.WriteString("\n")
	for _, m := range s.Messages {
		at := "     "
		if !m.Timestamp.IsZero() {
			at = m.Timestamp.Local().Format("15:04")
		}
		fmt.Fprintf(&b, "  %s  %-9s  %s\n", at, m.Role, indent(m.Content, strings.Repeat(" ", 20)))
	}
	_, err = io.WriteString(w, b.String())
	return err
}

// refName is a chatbot's or client's name, else its id.
func refName(r dmchamp.Ref) string { return cmp.Or(r.Name, r.ID) }

// refLabel is a chatbot's or client's name and id.
func refLabel(r dmchamp.Ref) string {
	if r.Name == "" {
		return r.ID
	}
	return r.Name + " (" + r.ID + ")"
}
