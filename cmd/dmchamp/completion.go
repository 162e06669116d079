package main

import (
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// The completion command is added at init: its script is built from the
// commands list, which cannot name it in its own initializer.
func init() {
	commands = append(commands, &command{
		name: "completion", args: "bash|zsh|fish",
		summary: "print a shell completion script", api: apiNone, define: completion,
		more: "bash: source <(dmchamp completion bash); zsh: source <(dmchamp completion zsh);\n" +
			"fish: dmchamp completion fish > ~/.config/fish/completions/dmchamp.fish",
	})
}

// completion defines "dmchamp completion".
func completion(*flag.FlagSet) action {
	return func(x *env, args []string) error {
		if err := wantArgs(args, "SHELL"); err != nil {
			return err
		}
		switch args[0] {
		case "bash":
			return bashCompletion(x.stdout, false)
		case "zsh":
			return bashCompletion(x.stdout, true)
		case "fish":
			return fishCompletion(x.stdout)
		}
		return usagef("the shell must be bash, zsh or fish")
	}
}

// completionWords returns the first words of the commands, in help's order,
// and for each command ("sessions recent", "otp") its flags, with "--".
func completionWords() (first []string, second map[string][]string, flags map[string][]string) {
	second, flags = map[string][]string{}, map[string][]string{}
	for _, c := range append(slices.Clip(commands), &command{name: "help"}) {
		w := strings.Fields(c.name)
		if !slices.Contains(first, w[0]) {
			first = append(first, w[0])
		}
		if len(w) > 1 {
			second[w[0]] = append(second[w[0]], w[1])
		}
		if c.define == nil {
			continue
		}
		commandFlags(c).VisitAll(func(f *flag.Flag) { flags[c.name] = append(flags[c.name], "--"+f.Name) })
	}
	return first, second, flags
}

// bashCompletion writes a bash completion script; for zsh, with
// bashcompinit, which runs bash scripts in zsh.
func bashCompletion(w io.Writer, zsh bool) error {
	first, second, flags := completionWords()
	var b strings.Builder
	b.WriteString("# dmchamp completion; source it, or put it in your shell's completion directory.\n")
	if zsh {
		b.WriteString("autoload -U +X bashcompinit && bashcompinit\n")
	}
	b.WriteString("_dmchamp() {\n\tlocal cur=${COMP_WORDS[COMP_CWORD]} words=\"\"\n")
	b.WriteString("\tlocal cmd=\"${COMP_WORDS[1]}\"\n")
	b.WriteString("\tif [ \"$COMP_CWORD\" -eq 1 ]; then\n")
	fmt.Fprintf(&b, "\t\twords=%q\n", strings.Join(first, " "))
	b.WriteString("\telse\n\t\tcase \"${COMP_WORDS[1]}\" in\n")
	groups := slices.Sorted(maps.Keys(second))
	for _, g := range groups {
		fmt.Fprintf(&b, "\t\t%s)\n\t\t\tif [ \"$COMP_CWORD\" -eq 2 ]; then words=%q; else cmd=\"%s ${COMP_WORDS[2]}\"; fi ;;\n",
			g, strings.Join(second[g], " "), g)
	}
	b.WriteString("\t\tcompletion) [ \"$COMP_CWORD\" -eq 2 ] && words=\"bash zsh fish\" ;;\n")
	b.WriteString("\t\tesac\n\t\tif [[ \"$cur\" == -* ]]; then\n\t\t\tcase \"$cmd\" in\n")
	for _, name := range slices.Sorted(maps.Keys(flags)) {
		fmt.Fprintf(&b, "\t\t\t%q) words=%q ;;\n", name, strings.Join(flags[name], " "))
	}
	b.WriteString("\t\t\tesac\n\t\tfi\n\tfi\n")
	b.WriteString("\tCOMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n}\n")
	b.WriteString("complete -F _dmchamp dmchamp\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// fishCompletion writes a fish completion script.
func fishCompletion(w io.Writer) error {
	first, second, flags := completionWords()
	var b strings.Builder
	b.WriteString("# dmchamp completion for fish: dmchamp completion fish > ~/.config/fish/completions/dmchamp.fish\n")
	b.WriteString("complete -c dmchamp -f\n")
	fmt.Fprintf(&b, "complete -c dmchamp -n __fish_use_subcommand -a %q\n", strings.Join(first, " "))
	for _, g := range slices.Sorted(maps.Keys(second)) {
		fmt.Fprintf(&b, "complete -c dmchamp -n '__fish_seen_subcommand_from %s; and not __fish_seen_subcommand_from %s' -a %q\n",
			g, strings.Join(second[g], " "), strings.Join(second[g], " "))
	}
	b.WriteString("complete -c dmchamp -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'\n")
	for _, name := range slices.Sorted(maps.Keys(flags)) {
		w := strings.Fields(name)
		cond := "__fish_seen_subcommand_from " + w[0]
		if len(w) > 1 {
			cond += "; and __fish_seen_subcommand_from " + w[1]
		}
		for _, f := range flags[name] {
			fmt.Fprintf(&b, "complete -c dmchamp -n '%s' -l %s\n", cond, strings.TrimPrefix(f, "--"))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
