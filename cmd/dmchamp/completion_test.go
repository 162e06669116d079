package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBashCompletion runs the bash script's completion function in bash.
func TestBashCompletion(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	r := runCLI(t, nil, "", "completion", "bash")
	wantCode(t, r, exitOK)
	script := filepath.Join(t.TempDir(), "dmchamp.bash")
	if err := os.WriteFile(script, []byte(r.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	for line, want := range map[string]string{
		"dmchamp s":                     "sessions subaccounts",
		"dmchamp sessions r":            "recent",
		"dmchamp sessions recent --h":   "--hours",
		"dmchamp contacts create --fi":  "--first-name",
		"dmchamp listen --f":            "--forward",
		"dmchamp fake-server --ad":      "--addr",
		"dmchamp completion ":           "bash zsh fish",
		"dmchamp chat l":                "list",
		"dmchamp sessions recent --mes": "--messages",
	} {
		words := strings.Fields(line)
		if strings.HasSuffix(line, " ") {
			words = append(words, "")
		}
		prog := `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _dmchamp; echo "${COMPREPLY[*]}"`
		out, err := exec.Command(bash, append([]string{"-c", prog, "bash", script}, words...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("%q: %v\n%s", line, err, out)
		}
		if got := strings.TrimSpace(string(out)); got != want {
			t.Errorf("%q completes to %q, want %q", line, got, want)
		}
	}
}

func TestCompletionScripts(t *testing.T) {
	r := runCLI(t, nil, "", "completion", "zsh")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, "autoload -U +X bashcompinit && bashcompinit\n") || !strings.Contains(r.stdout, "complete -F _dmchamp dmchamp") {
		t.Errorf("zsh: %v", r)
	}
	r = runCLI(t, nil, "", "completion", "fish")
	wantCode(t, r, exitOK)
	for _, want := range []string{
		`complete -c dmchamp -n __fish_use_subcommand -a "sessions contacts export subaccounts otp chat version fake-server listen completion help"`,
		`complete -c dmchamp -n '__fish_seen_subcommand_from sessions; and __fish_seen_subcommand_from recent' -l hours`,
		`complete -c dmchamp -n '__fish_seen_subcommand_from listen' -l secret`,
	} {
		if !strings.Contains(r.stdout, want+"\n") {
			t.Errorf("fish script lacks %q", want)
		}
	}
	r = runCLI(t, nil, "", "completion", "powershell")
	wantCode(t, r, exitUsage)
	if !strings.Contains(r.stderr, "the shell must be bash, zsh or fish") {
		t.Errorf("%v", r)
	}
}
