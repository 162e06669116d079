package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/dmchamp-go/dmchamp"
)

// sessionHeader heads the table of sessions recent.
var sessionHeader = []string{"STARTED", "CONTACT", "PHONE", "STATUS", "TAG", "MESSAGES", "CONTACT ID", "SESSION ID"}

// sessionsRecent defines "dmchamp sessions recent".
func sessionsRecent(fs *flag.FlagSet) action {
	hours := fs.Int("hours", 24, "look back `N` hours")
	status := fs.String("status", "", "keep only sessions with this `status`: opened or closed")
	limit := fs.Int("limit", 0, "at most `N` sessions (default: the server's, 100)")
	messages := fs.Bool("messages", false, "print each session's messages")
	return func(x *env, args []string) error {
		if err := wantArgs(args); err != nil {
			return err
		}
		st, err := chatStatus(*status)
		if err != nil {
			return err
		}
		if *hours < 1 || *limit < 0 {
			return usagef("--hours must be at least 1 and --limit not negative")
		}
		c, err := x.client()
		if err != nil {
			return err
		}
		// The table counts messages, so it always asks for them.
		res, err := c.ChatSessions.Recent(x.ctx, &dmchamp.RecentChatSessionsOptions{
			Hours: *hours, Status: st, Limit: *limit, IncludeMessages: *messages || !x.g.json,
		})
		if err != nil {
			return err
		}
		if x.g.json {
			return x.printJSON(res)
		}
		if len(res.Sessions) == 0 {
			_, err := fmt.Fprintf(x.stdout, "No chat sessions in the last %s.\n", plural(*hours, "hour"))
			return err
		}
		rows := make([][]string, len(res.Sessions))
		for i, s := range res.Sessions {
			rows[i] = []string{when(s.StartDateTime), s.ContactName, s.ContactPhone, statusText(s.Status), tagText(s.Tag),
				strconv.Itoa(len(s.Messages)), s.ContactID, s.SessionID}
		}
		return table(x.stdout, sessionHeader, rows, func(i int) string {
			if !*messages {
				return ""
			}
			return messageLines(res.Sessions[i].Messages)
		})
	}
}

// sessionsContact defines "dmchamp sessions contact".
func sessionsContact(fs *flag.FlagSet) action {
	status := fs.String("status", "", "keep only sessions with this `status`: opened or closed")
	limit := fs.Int("limit", 0, "at most `N` sessions (default: the server's)")
	messages := fs.Bool("messages", false, "print each session's messages")
	return func(x *env, args []string) error {
		if err := wantArgs(args, "ID"); err != nil {
			return err
		}
		st, err := chatStatus(*status)
		if err != nil {
			return err
		}
		if *limit < 0 {
			return usagef("--limit must not be negative")
		}
		c, err := x.client()
		if err != nil {
			return err
		}
		res, err := c.ChatSessions.ForContact(x.ctx, args[0], &dmchamp.ContactChatSessionsOptions{
			Status: st, Limit: *limit, IncludeMessages: *messages || !x.g.json,
		})
		if err != nil {
			return err
		}
		if x.g.json {
			return x.printJSON(res)
		}
		fmt.Fprintf(x.stdout, "%s (%s): %s\n\n", cell(res.ContactName), res.ContactID, plural(res.TotalSessions, "session"))
		rows := make([][]string, len(res.Sessions))
		for i, s := range res.Sessions {
			rows[i] = []string{when(s.StartDateTime), whenPtr(s.EndDateTime), statusText(s.Status), tagText(s.Tag), strconv.Itoa(len(s.Messages)), s.ID}
		}
		return table(x.stdout, []string{"STARTED", "ENDED", "STATUS", "TAG", "MESSAGES", "SESSION"}, rows, func(i int) string {
			if !*messages {
				return ""
			}
			return messageLines(res.Sessions[i].Messages)
		})
	}
}

// messageLines lists messages below their session: <- from the contact,
// -> to the contact.
func messageLines(msgs []dmchamp.ChatMessage) string {
	var b strings.Builder
	for _, m := range msgs {
		arrow := "<-"
		if m.Direction == dmchamp.DirectionOutbound {
			arrow = "->"
		}
		at := "     "
		if m.Timestamp != nil {
			at = m.Timestamp.Local().Format("15:04")
		}
		fmt.Fprintf(&b, "    %s %s  %s\n", arrow, at, indent(m.Body, "             "))
	}
	return b.String()
}

func statusText(s dmchamp.ChatSessionStatus) string {
	switch s {
	case dmchamp.ChatSessionOpened:
		return "opened"
	case dmchamp.ChatSessionClosed:
		return "closed"
	}
	return string(s)
}

func tagText(t *string) string {
	if t == nil {
		return ""
	}
	return *t
}

// contactsGet defines "dmchamp contacts get".
func contactsGet(fs *flag.FlagSet) action {
	phone := fs.String("phone", "", "the contact's phone `number`, with country code")
	email := fs.String("email", "", "the contact's `email` address")
	return func(x *env, args []string) error {
		if err := wantArgs(args); err != nil {
			return err
		}
		if (*phone == "") == (*email == "") {
			return usagef("set one of --phone and --email")
		}
		c, err := x.client()
		if err != nil {
			return err
		}
		res, err := c.Contacts.Get(x.ctx, &dmchamp.GetContactOptions{PhoneNumber: *phone, Email: *email})
		if err != nil {
			return err
		}
		if x.g.json {
			return x.printJSON(res)
		}
		k := res.Contact
		if k == nil { // the server sent the id only
			return details(x.stdout, [][2]string{{"ID", res.ContactID}})
		}
		return details(x.stdout, [][2]string{
			{"ID", res.ContactID},
			{"NAME", strings.TrimSpace(k.FirstName + " " + k.LastName)},
			{"PHONE", k.PhoneNumber},
			{"EMAIL", k.Email},
			{"CHANNEL", k.Channel},
			{"AI AGENT", yesNo(k.IsBotActive)},
			{"DO NOT DISTURB", yesNo(k.DoNotDisturb)},
			{"TAGS", strings.Join(k.Tags, ", ")},
			{"CAMPAIGN", k.CurrentCampaign},
			{"BOT MESSAGES", strconv.Itoa(k.BotMessageCount)},
			{"CREDITS USED", strconv.FormatFloat(k.CreditsUsed, 'f', -1, 64)},
			{"CREATED", longWhen(k.CreatedAt)},
			{"LAST ACTIVITY", longWhen(k.LastActivityAt)},
		})
	}
}

// contactsCreate defines "dmchamp contacts create".
func contactsCreate(fs *flag.FlagSet) action {
	phone := fs.String("phone", "", "phone `number` with country code (required)")
	first := fs.String("first-name", "", "first `name`")
	last := fs.String("last-name", "", "last `name`")
	email := fs.String("email", "", "`email` address")
	var lists stringList
	fs.Var(&lists, "list", "add the contact to the list with this `ID` (repeatable)")
	var bot optBool
	fs.Var(&bot, "bot", "turn the AI agent on or off for the contact (default: the server's, on)")
	return func(x *env, args []string) error {
		if err := wantArgs(args); err != nil {
			return err
		}
		if *phone == "" {
			return usagef("--phone is required")
		}
		c, err := x.client()
		if err != nil {
			return err
		}
		res, err := c.Contacts.Create(x.ctx, &dmchamp.CreateContactRequest{
			PhoneNumber: *phone, FirstName: *first, LastName: *last, Email: *email,
			ListIDs: lists, IsBotActive: bot.ptr(),
		})
		if err != nil {
			return err
		}
		if x.g.json {
			return x.printJSON(res)
		}
		return details(x.stdout, [][2]string{{"ID", res.ContactID}, {"MESSAGE", res.Message}})
	}
}

// exportChats defines "dmchamp export chats".
func exportChats(fs *flag.FlagSet) action {
	hours := fs.Int("hours", 24, "look back `N` hours")
	format := fs.String("format", "", "output `format`: txt (the server's text, the default) or json")
	limit := fs.Int("limit", 0, "at most `N` contacts (default: the server's, 50)")
	filter := fs.String("filter", "", "messages to keep, a `filter`: all (the default), media, tool_use or text")
	return func(x *env, args []string) error {
		if err := wantArgs(args); err != nil {
			return err
		}
		f := strings.ToLower(*format)
		switch {
		case f == "" && x.g.json:
			f = "json"
		case f == "":
			f = "txt"
		case f == "txt" && x.g.json:
			return usagef("--json prints the json format: drop --format txt")
		case f != "txt" && f != "json":
			return usagef("--format must be txt or json")
		}
		flt := dmchamp.ChatExportFilter(strings.ToLower(*filter))
		switch flt {
		case "", dmchamp.ChatExportAll, dmchamp.ChatExportMedia, dmchamp.ChatExportToolUse, dmchamp.ChatExportText:
		default:
			return usagef("--filter must be all, media, tool_use or text")
		}
		if *hours < 1 || *limit < 0 {
			return usagef("--hours must be at least 1 and --limit not negative")
		}
		c, err := x.client()
		if err != nil {
			return err
		}
		opts := &dmchamp.ChatExportOptions{Hours: *hours, Limit: *limit, Filter: flt}
		if f == "json" {
			res, err := c.ChatExports.Recent(x.ctx, opts)
			if err != nil {
				return err
			}
			return x.printJSON(res)
		}
		text, err := c.ChatExports.RecentText(x.ctx, opts)
		if err != nil {
			return err
		}
		defer text.Close()
		counter, done := x.progress("exporting")
		_, err = io.Copy(io.MultiWriter(x.stdout, counter), text)
		done()
		return err
	}
}

// subAccountsGet defines "dmchamp subaccounts get".
func subAccountsGet(fs *flag.FlagSet) action {
	email := fs.String("email", "", "the sub-account's login `email` (required)")
	return func(x *env, args []string) error {
		if err := wantArgs(args); err != nil {
			return err
		}
		if *email == "" {
			return usagef("--email is required")
		}
		c, err := x.client()
		if err != nil {
			return err
		}
		a, err := c.SubAccounts.Get(x.ctx, *email)
		if err != nil {
			return err
		}
		if x.g.json {
			return x.printJSON(a)
		}
		pairs := [][2]string{
			{"UID", a.UID},
			{"EMAIL", a.Email},
			{"NAME", strings.TrimSpace(a.FirstName + " " + a.LastName)},
			{"BUSINESS", a.BusinessName},
			{"LOCATION", joinNonEmpty(", ", a.City, a.State, a.Country)},
			{"TIME ZONE", a.TimeZoneID},
			{"LANGUAGE", a.Language},
		}
		if u := a.UsageLimits; u != nil {
			pairs = append(pairs,
				[2]string{"CREDITS", strconv.Itoa(u.Credits)},
				[2]string{"MONTHLY CREDITS", fmt.Sprintf("%d used of %d", u.MonthlyCreditsUsed, u.MonthlyCredits)},
				[2]string{"ROLL OVER", yesNo(u.RollOverToNextMonth)},
				[2]string{"LAST RESET", longWhen(u.LastResetDate)},
			)
		}
		return details(x.stdout, pairs)
	}
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// otp defines "dmchamp otp".
func otp(fs *flag.FlagSet) action {
	secret := fs.String("secret", "", "base32 TOTP `secret`, or - to read it from standard input (required)")
	at := fs.String("at", "", "compute the code at this `time` (RFC 3339) instead of now")
	return func(x *env, args []string) error {
		if err := wantArgs(args); err != nil {
			return err
		}
		s := *secret
		if s == "-" {
			line, err := bufio.NewReader(x.stdin).ReadString('\n')
			if err != nil && err != io.EOF {
				return fmt.Errorf("reading the secret: %w", err)
			}
			s = strings.TrimSpace(line)
		}
		if s == "" {
			return usagef("--secret is required")
		}
		t := time.Now()
		if *at != "" {
			var err error
			if t, err = time.Parse(time.RFC3339, *at); err != nil {
				return usagef("--at must be an RFC 3339 time, such as 2025-01-02T15:04:05Z")
			}
		}
		code, err := dmchamp.TOTP(s, t) // local: the secret is never sent
		if err != nil {
			return err
		}
		if x.g.json {
			return x.printJSON(code) // the API's own form: {"current_otp", "expires_in"}
		}
		_, err = fmt.Fprintf(x.stdout, "%s  (expires in %ds)\n", code.Code, int(code.ExpiresIn/time.Second))
		return err
	}
}
