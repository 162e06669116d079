// Command chatbot-session holds a short conversation with a Session API
// chatbot: it creates a session, asks a question, prints the reply and ends
// the session.
//
//	SESSIONS_BASE_URL=https://coach.example.com/api SESSIONS_TOKEN=... \
//	CHATBOT_ID=... CLIENT_ID=... go run ./examples/chatbot-session "What should I eat before a run?"
//
// With -demo, and only then, it runs against an in-memory demo server
// (package dmchamptest) and its sample chatbot and client:
//
//	go run ./examples/chatbot-session -demo "What should I eat before a run?"
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/dmchamp-go/dmchamp"
	"github.com/dmchamp-go/dmchamp/dmchamptest"
)

func main() {
	os.Exit(run())
}

func run() int {
	demo := flag.Bool("demo", false, "use the built-in demo server and its sample chatbot")
	flag.Parse()
	question := strings.Join(flag.Args(), " ")
	if question == "" {
		question = "Hello! What can you help me with?"
	}
	opts := []dmchamp.Option{dmchamp.WithTimeout(90 * time.Second)} // the chatbot waits for the AI model
	chatbotID, clientID := os.Getenv("CHATBOT_ID"), os.Getenv("CLIENT_ID")
	base := os.Getenv("SESSIONS_BASE_URL")
	if base == "" && !*demo {
		fmt.Fprintln(os.Stderr, "chatbot-session: set SESSIONS_BASE_URL, SESSIONS_TOKEN, CHATBOT_ID and CLIENT_ID, or add -demo to use the built-in demo server")
		return 2
	}
	if !*demo {
		if chatbotID == "" || clientID == "" {
			fmt.Fprintln(os.Stderr, "chatbot-session: set CHATBOT_ID and CLIENT_ID (and SESSIONS_TOKEN) along with SESSIONS_BASE_URL")
			return 2
		}
		opts = append(opts, dmchamp.WithSessionsBaseURL(base))
		if token := os.Getenv("SESSIONS_TOKEN"); token != "" {
			opts = append(opts, dmchamp.WithSessionsToken(token))
		}
	} else {
		srv := dmchamptest.NewServer()
		defer srv.Close()
		fmt.Fprintln(os.Stderr, "chatbot-session: -demo: using the built-in demo server")
		opts = append(opts, srv.ClientOptions()...)
		chatbotID = srv.AddChatbot("Julia – Nutrition Coach", "Helps clients plan balanced meals")
		clientID = srv.AddSessionClient("Tom Becker", "tom.becker@example.com")
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := converse(ctx, opts, chatbotID, clientID, question); err != nil {
		fmt.Fprintln(os.Stderr, "chatbot-session:", err)
		return 1
	}
	return 0
}

func converse(ctx context.Context, opts []dmchamp.Option, chatbotID, clientID, question string) error {
	c, err := dmchamp.NewClient(opts...)
	if err != nil {
		return err
	}

	session, err := c.Sessions.Create(ctx, &dmchamp.CreateSessionRequest{
		ChatbotID: chatbotID,
		ClientID:  clientID,
		Title:     "Example conversation",
	})
	if err != nil {
		return err
	}
	fmt.Printf("session %s started (%s)\n", session.ID, session.Status)

	// Ask stores the question with AddMessage, then asks for the reply.
	reply, err := c.Sessions.Ask(ctx, session.ID, question)
	if err != nil {
		// Do not leave the session open; the first error is the one to report.
		_, _ = c.Sessions.End(context.WithoutCancel(ctx), session.ID)
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
