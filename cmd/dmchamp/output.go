package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"
)

// Time layouts, in local time, with the year and the zone.
const (
	tableTime  = "2006-01-02 15:04 MST"
	detailTime = "2006-01-02 15:04:05 MST"
)

// printJSON writes v as indented JSON, one document.
func (x *env) printJSON(v any) error {
	enc := json.NewEncoder(x.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// cell makes s fit in one table cell: one line, no tabs, "-" when empty.
func cell(s string) string {
	s = strings.Join(strings.Fields(printable(s)), " ")
	if s == "" {
		return "-"
	}
	return s
}

// tableLines aligns a header and rows into lines.
func tableLines(header []string, rows [][]string) []string {
	var b bytes.Buffer
	tw := tabwriter.NewWriter(&b, 0, 8, 2, ' ', 0)
	for _, r := range append([][]string{header}, rows...) {
		cells := make([]string, len(r))
		for i, c := range r {
			cells[i] = cell(c)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	tw.Flush()
	return strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
}

// table writes a header and rows. after, when not nil, returns lines to
// write below row i (such as its messages); a blank line separates them from
// the next row.
func table(w io.Writer, header []string, rows [][]string, after func(i int) string) error {
	lines := tableLines(header, rows)
	var b strings.Builder
	b.WriteString(lines[0] + "\n")
	for i, line := range lines[1:] {
		b.WriteString(line + "\n")
		if after == nil {
			continue
		}
		if more := after(i); more != "" {
			b.WriteString(more)
			if i < len(rows)-1 {
				b.WriteString("\n")
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// details writes name-value pairs, one a line.
func details(w io.Writer, pairs [][2]string) error {
	var b bytes.Buffer
	tw := tabwriter.NewWriter(&b, 0, 8, 2, ' ', 0)
	for _, p := range pairs {
		fmt.Fprintf(tw, "%s\t%s\n", p[0], cell(p[1]))
	}
	tw.Flush()
	_, err := w.Write(b.Bytes())
	return err
}

// when formats a time for a table; "-" when it is zero.
func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format(tableTime)
}

// whenPtr is when for optional times.
func whenPtr(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return when(*t)
}

// longWhen formats a time for a detail view, with its year.
func longWhen(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "-"
	}
	return t.Local().Format(detailTime)
}

// indent prefixes every line of a multi-line text after the first.
func indent(s, prefix string) string {
	return strings.ReplaceAll(strings.TrimRight(printable(s), "\n"), "\n", "\n"+prefix)
}

// printable drops the control characters of text from the server but line
// breaks and tabs: a contact's message must not send escape sequences to the
// terminal.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return -1
		}
		return r
	}, s)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// plural returns "1 session", "2 sessions".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
