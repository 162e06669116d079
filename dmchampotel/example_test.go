package dmchampotel_test

import (
	"context"
	"fmt"
	"log"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/dmchamp-go/dmchamp"
	"github.com/dmchamp-go/dmchamp/dmchampotel"
	"github.com/dmchamp-go/dmchamp/dmchamptest"
)

// Every request becomes a span named by its route. The spans go here to an
// in-memory exporter; a program would export them with an OTLP exporter.
func ExampleMiddleware() {
	exporter := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exporter))
	defer func() { _ = tp.Shutdown(context.Background()) }()

	srv := dmchamptest.NewServer(dmchamptest.WithDemoData())
	defer srv.Close()
	c, err := dmchamp.NewClient(append(srv.ClientOptions(),
		dmchamp.WithMiddleware(dmchampotel.Middleware(dmchampotel.WithTracerProvider(tp))))...)
	if err != nil {
		log.Fatal(err)
	}

	ctx := context.Background()
	recent, err := c.ChatSessions.Recent(ctx, &dmchamp.RecentChatSessionsOptions{Hours: 24})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := c.Contacts.Tags(ctx, recent.Sessions[0].ContactID); err != nil {
		log.Fatal(err)
	}
	page, err := c.Sessions.List(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := c.Sessions.Get(ctx, page.Sessions[0].ID); err != nil {
		log.Fatal(err)
	}

	for _, span := range exporter.GetSpans() {
		fmt.Println(span.Name)
	}
	// Output:
	// GET /v1/chat-sessions/recent
	// GET /v1/contacts/tags/{contactId}
	// GET /api/sessions
	// GET /api/sessions/{id}
}
