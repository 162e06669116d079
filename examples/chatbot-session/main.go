// Command chatbot-session holds a short conversation with a Session API
// chatbot: it creates a session, asks a question, prints the reply and ends
// the session.
//
//	SESSIONS_BASE_URL=https://coach.example.com/api SESSIONS_TOKEN=... \
//	CHATBOT_ID=... CLIENT_ID=... go run ./examples/chatbot-session "What should I eat before a run?"
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/dmchamp-go/dmchamp"
)

func main() {
	question := strings.Join(os.Args[1:], " ")
	if question == "" {
		question = "Hello! What can you help me with?"
	}
	env := map[string]string{}
	var missing []string
	for _, name := range []string{"SESSIONS_BASE_URL", "SESSIONS_TOKEN", "CHATBOT_ID", "CLIENT_ID"} {
		if env[name] = os.Getenv(name); env[name] == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		fmt.Fprintf(os.Stderr, "chatbot-session: set %s (the Session API base URL with its /api prefix, a JWT, and the chatbot and client ids)\n",
			strings.Join(missing, ", "))
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, env, question); err != nil {
		fmt.Fprintln(os.Stderr, "chatbot-session:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, env map[string]string, question string) error {
	c, err := dmchamp.NewClient(
		dmchamp.WithSessionsBaseURL(env["SESSIONS_BASE_URL"]),
		dmchamp.WithSessionsToken(env["SESSIONS_TOKEN"]),
		dmchamp.WithTimeout(90*time.Second), // the chatbot waits for the AI model
	)
	if err != nil {
		return err
	}

	session, err := c.Sessions.Create(ctx, &dmchamp.CreateSessionRequest{
		ChatbotID: env["CHATBOT_ID"],
		ClientID:  env["CLIENT_ID"],
		Title:     "Example conversation",
	})
	if err != nil {
		return err
	}
	fmt.Printf("session %s started (%s)\n", session.ID, session.Status)

	// Ask stores the question with AddMessage, then asks for the reply.
	reply, err := c.Sessions.Ask(ctx, session.ID, question)
	if err != nil {
		return err
	}
	fmt.Printf("you:     %s\nchatbot: %s\n", question, reply.Content)

	ended, err := c.Sessions.End(ctx, session.ID)
	if err != nil {
		return err
	}
	fmt.Printf("session %s is %s with %d messages\n", ended.ID, ended.Status, len(ended.Messages))
	return nil
}
