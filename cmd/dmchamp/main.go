// Command dmchamp works with DM Champ (AI messaging on WhatsApp, Instagram
// and web chat) and its chatbot Session API from a shell or a script.
//
//	dmchamp sessions recent --hours 24 --messages
//	dmchamp contacts get --phone +34612345678 --json
//	dmchamp export chats --hours 48 > chats.txt
//	dmchamp chat send 65f1c0ffee... "What should I eat before a run?"
//
// Credentials come from the environment (DMCHAMP_API_KEY or
// DMCHAMP_USER_ID, optionally DMCHAMP_BASE_URL; SESSIONS_BASE_URL and
// SESSIONS_TOKEN for the Session API commands) or from flags, which win. A
// command whose credentials are not set exits with status 2 and says what to
// set; it never falls back to sample data. With --demo, and only then,
// dmchamp runs against a built-in demo server with sample data. Run
// "dmchamp help" for the commands.
//
// Output is a table; --json prints the SDK's typed result as JSON. The exit
// status is 0 on success, 1 for API and network errors, 2 for usage errors
// and missing credentials, 130 when interrupted (Ctrl-C).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/dmchamp-go/dmchamp"
	"github.com/dmchamp-go/dmchamp/dmchamptest"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}

// Exit statuses.
const (
	exitOK          = 0
	exitError       = 1   // API or network error
	exitUsage       = 2   // unknown command, bad or missing flags or arguments
	exitInterrupted = 130 // stopped by Ctrl-C (SIGINT) or SIGTERM, as shells report it
)

// run runs the command line args and returns the exit status. It reads and
// writes only through its parameters, and reads the environment through
// getenv.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	// Global flags may come before the command: they are handed on to it.
	top := flag.NewFlagSet("dmchamp", flag.ContinueOnError)
	top.SetOutput(io.Discard)
	new(globals).register(top)
	showVersion := top.Bool("version", false, "")
	if err := top.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(stdout)
			return exitOK
		}
		fmt.Fprintf(stderr, "dmchamp: %s\nRun 'dmchamp help' for usage.\n", flagError(err))
		return exitUsage
	}
	if *showVersion {
		fmt.Fprintln(stdout, versionLine())
		return exitOK
	}
	leading := args[:len(args)-top.NArg()]
	if n := len(leading); n > 0 && leading[n-1] == "--" {
		leading = leading[:n-1]
	}
	words := top.Args()
	if len(words) == 0 {
		printUsage(stderr)
		return exitUsage
	}
	if words[0] == "help" {
		return help(words[1:], stdout, stderr)
	}
	cmd, n := lookup(words)
	if cmd == nil {
		return unknownCommand(words, stdout, stderr)
	}

	x := &env{cmd: cmd, stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	defer x.close()
	fs := cmd.flagSet(&x.g)
	act := cmd.define(fs)
	pos, err := parseInterspersed(fs, append(slices.Clip(leading), words[n:]...))
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			cmd.printUsage(stdout, fs)
			return exitOK
		}
		return x.report(&usageError{flagError(err)}, fs)
	}
	if x.g.timeout < 0 {
		return x.report(usagef("--timeout must not be negative"), fs)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	x.ctx = ctx
	err = act(x, pos)
	if err != nil && ctx.Err() != nil {
		// Interrupted: the error is only the cancellation's echo.
		fmt.Fprintln(stderr, "dmchamp: interrupted")
		return exitInterrupted
	}
	return x.report(err, fs)
}

// report prints err, if any, and returns the exit status.
func (x *env) report(err error, fs *flag.FlagSet) int {
	if err == nil {
		return exitOK
	}
	var ve *dmchamp.ValidationError
	if errors.As(err, &ve) {
		fmt.Fprintf(x.stderr, "dmchamp: %s\n", flagText(ve, fs))
	} else {
		fmt.Fprintf(x.stderr, "dmchamp: %s\n", errText(err))
	}
	var na *noAccountError
	if errors.As(err, &na) {
		fmt.Fprint(x.stderr, na.hint)
		return exitUsage
	}
	var ue *usageError
	if errors.As(err, &ue) || ve != nil {
		if ve != nil && ve.Field == "credentials" {
			fmt.Fprintln(x.stderr, "dmchamp: set DMCHAMP_API_KEY (or --api-key); some commands also accept DMCHAMP_USER_ID (or --user-id)")
		}
		fmt.Fprintf(x.stderr, "Run 'dmchamp help %s' for usage.\n", x.cmd.name)
		return exitUsage
	}
	if h := x.hint(err); h != "" {
		fmt.Fprintf(x.stderr, "dmchamp: %s\n", h)
	}
	return exitError
}

// hint returns advice for a failed call, or "".
func (x *env) hint(err error) string {
	var ae *dmchamp.APIError
	var te interface{ Timeout() bool }
	switch {
	case errors.As(err, &ae) && errors.Is(err, dmchamp.ErrUnauthorized):
		if x.cmd.api == apiSessions {
			return "the Session API refused the token: check SESSIONS_TOKEN (or --sessions-token)"
		}
		return "DM Champ refused the credential: check DMCHAMP_API_KEY or DMCHAMP_USER_ID (or --api-key, --user-id)"
	case errors.As(err, &ae) && errors.Is(err, dmchamp.ErrConflict) && x.cmd.name == "contacts create":
		if ae.ExistingID != "" {
			return "a contact with this phone number already exists: " + ae.ExistingID
		}
		return "a contact with this phone number already exists"
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &te) && te.Timeout()):
		return fmt.Sprintf("the request took longer than --timeout %v", x.g.timeout)
	}
	return ""
}

// fieldFlags names the flag that sets each field the SDK validates.
var fieldFlags = map[string]string{
	"PhoneNumber": "phone", "phoneNumber": "phone", "Email": "email", "email": "email",
	"FirstName": "first-name", "LastName": "last-name", "ListID": "list", "ListIDs": "list",
	"Hours": "hours", "Limit": "limit", "Status": "status", "Filter": "filter", "Format": "format",
	"ChatbotID": "chatbot", "ClientID": "client", "Title": "title", "secret": "secret",
}

// flagText says what is wrong with a validated argument in the CLI's own
// words: "--phone: ..." rather than "invalid PhoneNumber: ...".
func flagText(ve *dmchamp.ValidationError, fs *flag.FlagSet) string {
	if name, ok := fieldFlags[ve.Field]; ok && fs.Lookup(name) != nil {
		return "--" + name + ": " + ve.Reason
	}
	return errText(ve)
}

// errText is err's message without the SDK's "dmchamp: " prefixes, which
// report adds once.
func errText(err error) string {
	s := strings.TrimPrefix(err.Error(), "dmchamp: ")
	return strings.ReplaceAll(s, ": dmchamp: ", ": ")
}

// flagError words the flag package's parse errors as the CLI speaks:
// flags with two dashes.
func flagError(err error) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		return "unknown flag --" + strings.TrimPrefix(name, "-")
	}
	if rest, ok := strings.CutPrefix(msg, "invalid value "); ok {
		return "invalid value " + strings.Replace(rest, " for flag -", " for --", 1)
	}
	return strings.Replace(msg, "flag needs an argument: -", "flag needs an argument: --", 1)
}

// usageError is a mistake on the command line: exit status 2, with the
// command's usage.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// wantArgs checks the number of positional arguments. It does not repeat
// them: one might be a secret typed in the wrong place.
func wantArgs(args []string, names ...string) error {
	switch {
	case len(args) < len(names):
		return usagef("missing %s", strings.Join(names[len(args):], " and "))
	case len(args) > len(names) && len(names) == 0:
		return usagef("unexpected arguments: this command takes flags only")
	case len(args) > len(names):
		return usagef("too many arguments: want %s", strings.Join(names, " "))
	}
	return nil
}

// env is what a command runs with: its I/O, flags and, once asked for, its
// client.
type env struct {
	ctx            context.Context
	cmd            *command
	g              globals
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string

	c   *dmchamp.Client
	srv *dmchamptest.Server // the demo server, when started

	isTerminal func(io.Writer) bool // for tests; nil: the real check
}

func (x *env) close() {
	if x.srv != nil {
		x.srv.Close()
	}
}
