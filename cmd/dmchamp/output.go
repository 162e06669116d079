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

	"golang.org/x/text/width"
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

// tableLines aligns a header and rows into lines, two spaces between
// columns. Widths count display columns, so that names in Chinese, Japanese
// or Korean (two columns a character) and accents (none) line up.
func tableLines(header []string, rows [][]string) []string {
	all := append([][]string{header}, rows...)
	cells := make([][]string, len(all))
	var widths []int
	for i, r := range all {
		cells[i] = make([]string, len(r))
		for j, c := range r {
			cells[i][j] = cell(c)
			if j == len(widths) {
				widths = append(widths, 0)
			}
			widths[j] = max(widths[j], displayWidth(cells[i][j]))
		}
	}
	lines := make([]string, len(cells))
	for i, r := range cells {
		var b strings.Builder
		for j, c := range r {
			b.WriteString(c)
			if j < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[j]-displayWidth(c)+2))
			}
		}
		lines[i] = b.String()
	}
	return lines
}

// displayWidth is how many terminal columns s takes.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || r == '\u200d':
		case width.LookupRune(r).Kind() == width.EastAsianWide || width.LookupRune(r).Kind() == width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
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
