package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
)

// api is the server a command talks to.
type api int

const (
	apiNone     api = iota // computed locally
	apiDMChamp             // the DM Champ API
	apiSessions            // the chatbot Session API
)

// action runs a command with its positional arguments.
type action func(x *env, args []string) error

// command is a dmchamp command.
type command struct {
	name    string // its words, e.g. "sessions recent"
	args    string // synopsis of its arguments and flags
	summary string // one line, for the command list
	more    string // more help, for its usage; may be empty
	api     api
	define  func(fs *flag.FlagSet) action // adds its flags, returns its action
}

// commands lists every command, in the order help shows them.
var commands = []*command{
	{
		name: "sessions recent", args: "[--hours N] [--status opened|closed] [--limit N] [--messages]",
		summary: "list the chat sessions of the past hours", api: apiDMChamp, define: sessionsRecent,
		more: "With --messages each session's messages follow it: <- from the contact, -> to the contact.",
	},
	{
		name: "sessions contact", args: "ID [--status opened|closed] [--limit N] [--messages]",
		summary: "list the chat sessions of one contact", api: apiDMChamp, define: sessionsContact,
		more: "With --messages each session's messages follow it: <- from the contact, -> to the contact.",
	},
	{
		name: "contacts get", args: "--phone P | --email E",
		summary: "find a contact by phone number or email", api: apiDMChamp, define: contactsGet,
	},
	{
		name: "contacts create", args: "--phone P [--first-name F] [--last-name L] [--email E] [--list ID]... [--bot=true|false]",
		summary: "create a contact", api: apiDMChamp, define: contactsCreate,
	},
	{
		name: "export chats", args: "[--hours N] [--format txt|json] [--limit N] [--filter all|media|tool_use|text]",
		summary: "export the conversations of the past hours", api: apiDMChamp, define: exportChats,
		more: "The txt format is the server's text export, streamed as it arrives; json (or --json) is the typed export.",
	},
	{
		name: "subaccounts get", args: "--email E",
		summary: "show an agency sub-account (needs an API key)", api: apiDMChamp, define: subAccountsGet,
	},
	{
		name: "otp", args: "--secret S|- [--at TIME]",
		summary: "compute a one-time code locally; the secret is never sent", api: apiNone, define: otp,
		more: "Use --secret - to read the secret from standard input, out of the shell history.",
	},
	{
		name: "chat create", args: "--chatbot ID --client ID [--title T]",
		summary: "start a chatbot session", api: apiSessions, define: chatCreate,
		more: "In demo mode --chatbot and --client default to those of the newest demo session.",
	},
	{
		name: "chat get", args: "ID",
		summary: "show a chatbot session and its messages", api: apiSessions, define: chatGet,
	},
	{
		name: "chat list", args: "[--status ACTIVE|COMPLETED|TERMINATED|SCHEDULED] [--chatbot ID] [--client ID] [--limit N] [--all]",
		summary: "list chatbot sessions, newest first", api: apiSessions, define: chatList,
	},
	{
		name: "chat send", args: "ID TEXT... | ID -",
		summary: "send a message to a session and print the chatbot's reply", api: apiSessions, define: chatSend,
		more: "The message is stored in the session, then the chatbot's reply is asked for.\n" +
			"Use - to read the message from standard input, and -- before a TEXT that starts with -.",
	},
	{
		name: "chat end", args: "ID",
		summary: "end a chatbot session", api: apiSessions, define: chatEnd,
	},
	{
		name: "version", args: "",
		summary: "print dmchamp's version (also: dmchamp --version)", api: apiNone, define: version,
	},
	{
		name: "fake-server", args: "[--addr HOST:PORT] [--demo] [--seed FILE.json] [--api-key K] [--user-id U] [--sessions-token T]",
		summary: "run the built-in fake DM Champ API and Session API for programs in any language", api: apiNone, define: fakeServer,
		more: "It prints the variables that point a client at it (export lines), logs each request on\n" +
			"stderr with credentials redacted, and stops on Ctrl-C or SIGTERM. The credentials it accepts\n" +
			"are the flags' or its defaults, never the environment's. --demo seeds sample data.",
	},
	{
		name: "listen", args: "[--port N] [--addr HOST] [--secret S|-] [--verify hmac|shared] [--forward URL]",
		summary: "receive webhook events and custom-channel replies, and print them", api: apiNone, define: listen,
		more: "Events are taken on every path but /channel, which takes custom-channel replies. Each is\n" +
			"verified with the secret ($" + envWebhookSecret + ", or --secret - to read it from standard input)\n" +
			"and printed, one a line (--json: one JSON object a line). With --forward each is also POSTed,\n" +
			"unchanged with its signature, to URL; a failed forward answers 500, so DM Champ may retry.\n" +
			"With --demo the built-in demo server sends it a few events and replies, then it exits.",
	},
}

// lookup finds the command named by the first words, and how many words
// its name has.
func lookup(words []string) (*command, int) {
	for _, c := range commands {
		name := strings.Fields(c.name)
		if len(words) >= len(name) && slices.Equal(words[:len(name)], name) {
			return c, len(name)
		}
	}
	return nil, 0
}

// group returns the commands whose name starts with word.
func group(word string) []*command {
	var out []*command
	for _, c := range commands {
		if strings.Fields(c.name)[0] == word {
			out = append(out, c)
		}
	}
	return out
}

// flagSet returns the command's flag set, with the global flags bound to g.
func (c *command) flagSet(g *globals) *flag.FlagSet {
	fs := flag.NewFlagSet("dmchamp "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors and usage are printed by run
	g.register(fs)
	return fs
}

// printUsage prints the command's usage and its own flags.
func (c *command) printUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: dmchamp %s %s\n\n", c.name, c.args)
	fmt.Fprintf(w, "%s%s.\n", strings.ToUpper(c.summary[:1]), c.summary[1:])
	if c.more != "" {
		fmt.Fprintln(w, c.more)
	}
	own := false
	fs.VisitAll(func(f *flag.Flag) { own = own || !globalFlags[f.Name] })
	if own {
		fmt.Fprintln(w, "\nFlags:")
		printFlags(w, fs, func(name string) bool { return !globalFlags[name] })
	}
	fmt.Fprintln(w, "\nGlobal flags: --json, --demo, --api-key, --user-id, --base-url, --sessions-url,")
	fmt.Fprintln(w, "--sessions-token, --timeout (see 'dmchamp help').")
}

// printFlags prints the flags of fs that keep accepts, with -- names.
func printFlags(w io.Writer, fs *flag.FlagSet, keep func(name string) bool) {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fs.VisitAll(func(f *flag.Flag) {
		if !keep(f.Name) {
			return
		}
		arg, usage := flag.UnquoteUsage(f)
		name := "--" + f.Name
		if arg != "" {
			name += " " + arg
		}
		switch f.DefValue {
		case "", "0", "false":
		default:
			usage += " (default " + f.DefValue + ")"
		}
		fmt.Fprintf(tw, "  %s\t%s\n", name, usage)
	})
	tw.Flush()
}

// printUsage prints the usage of dmchamp.
func printUsage(w io.Writer) {
	fmt.Fprint(w, `dmchamp works with DM Champ (AI messaging on WhatsApp, Instagram and web chat)
and its chatbot Session API from a shell or a script.

Usage:
  dmchamp COMMAND [ARGUMENTS] [FLAGS]

`)
	for _, sec := range []struct {
		title string
		api   api
	}{{"DM Champ commands", apiDMChamp}, {"Session API commands", apiSessions}, {"Local commands", apiNone}} {
		fmt.Fprintf(w, "%s:\n", sec.title)
		tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
		for _, c := range commands {
			if c.api == sec.api {
				fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
			}
		}
		tw.Flush()
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "Global flags, accepted by every command:")
	fs := flag.NewFlagSet("", flag.ContinueOnError)
	new(globals).register(fs)
	printFlags(w, fs, func(string) bool { return true })
	fmt.Fprintf(w, `
Environment (flags win):
  %s    DM Champ API key
  %s    DM Champ user ID, instead of the API key
  %s   DM Champ API base URL
  %s  Session API base URL, with its /api prefix
  %s     Session API token
Prefer the environment to --api-key, --user-id and --sessions-token: other
users of the machine can see command lines.

Credentials: a DM Champ command needs %s or %s, a
Session API command %s and %s. A command without
them exits with status 2 and says what to set: dmchamp never shows sample
data in place of an account's.

Demo mode: with --demo, and only then, dmchamp runs against a built-in demo
server with sample data, and says so on standard error. The demo server lives
as long as the command: what one command creates is gone for the next.
Try: dmchamp sessions recent --hours 24 --demo

Output is a table; --json prints the result as JSON. Exit status: 0 success,
1 API or network error, 2 usage error or missing credentials.

Run 'dmchamp help COMMAND' for the flags of a command.
`, envAPIKey, envUserID, envBaseURL, envSessionsURL, envSessionsToken,
		envAPIKey, envUserID, envSessionsURL, envSessionsToken)
}

// help runs "dmchamp help [COMMAND]".
func help(words []string, stdout, stderr io.Writer) int {
	if len(words) == 0 {
		printUsage(stdout)
		return exitOK
	}
	if c, n := lookup(words); c != nil && n == len(words) {
		c.printUsage(stdout, commandFlags(c))
		return exitOK
	}
	if cs := group(words[0]); len(cs) > 0 && len(words) == 1 {
		printGroup(stdout, cs)
		return exitOK
	}
	fmt.Fprintf(stderr, "dmchamp: help: unknown command %q\n", strings.Join(words, " "))
	return exitUsage
}

// commandFlags returns a command's flag set, for its usage.
func commandFlags(c *command) *flag.FlagSet {
	fs := c.flagSet(new(globals))
	c.define(fs)
	return fs
}

// unknownCommand reports a command that does not exist, or a group such as
// "sessions" without its subcommand.
func unknownCommand(words []string, stdout, stderr io.Writer) int {
	cs := group(words[0])
	switch {
	case len(cs) == 0:
		fmt.Fprintf(stderr, "dmchamp: unknown command %q\n\n", words[0])
		printUsage(stderr)
	case len(words) > 1 && slices.Contains([]string{"-h", "-help", "--help"}, words[1]):
		printGroup(stdout, cs)
		return exitOK
	case len(words) == 1:
		fmt.Fprintf(stderr, "dmchamp: %s: missing subcommand\n\n", words[0])
		printGroup(stderr, cs)
	default:
		fmt.Fprintf(stderr, "dmchamp: %s: unknown subcommand %q\n\n", words[0], words[1])
		printGroup(stderr, cs)
	}
	return exitUsage
}

// printGroup prints the synopses of a group of commands.
func printGroup(w io.Writer, cs []*command) {
	fmt.Fprintln(w, "usage:")
	for _, c := range cs {
		fmt.Fprintf(w, "  dmchamp %s %s\n", c.name, c.args)
	}
	fmt.Fprintln(w, "\nRun 'dmchamp help COMMAND' for the flags of a command.")
}
