#!/usr/bin/env python3
"""Prints every command the stocktake binary offers, read from its --help.

    help_commands.py path/to/stocktake

One line each: "option --db" for a global option, "command init" for a
command without sub-commands, "command feature add" for a sub-command (and
"group feature" for a command that has them). Used by docs_drift.sh.

The help is read by its shape, not by one layout: a section starts at an
unindented heading ("Options:", "Subcommands:", "SUBCOMMANDS", or a group
heading such as "Planning:"); sections whose heading names options list
options, sections naming positionals or usage are skipped, and every other
section lists commands as indented "name   summary" lines.
"""
import re
import subprocess
import sys

COMMAND = re.compile(r"^ {1,8}([a-z][a-z0-9-]*)(?: {2,}.*| *)$")
OPTION = re.compile(r"^ {1,8}(?:-[a-zA-Z],)?(--[a-z][a-z0-9-]*)")
HEADING = re.compile(r"^([A-Za-z][A-Za-z ,/&-]*):?\s*$")


def help_text(binary, words):
    run = subprocess.run([binary, *words, "--help"], capture_output=True, text=True, check=False)
    if run.returncode != 0:
        sys.exit(f"{' '.join([binary, *words])} --help exited {run.returncode}: {run.stderr}")
    return run.stdout


def sections(text):
    """Yields (kind, line) with kind 'options', 'commands' or None."""
    kind = None
    for line in text.splitlines():
        if line and not line[0].isspace():
            heading = HEADING.match(line)
            if heading and (line.rstrip().endswith(":") or line.isupper()):
                name = heading.group(1).lower()
                if "option" in name:
                    kind = "options"
                elif "positional" in name or "usage" in name:
                    kind = None
                else:
                    kind = "commands"
            else:
                kind = None  # prose (usage, epilog) ends a section
            continue
        yield kind, line


def commands(text):
    found = []
    for kind, line in sections(text):
        match = COMMAND.match(line) if kind == "commands" else None
        if match and match.group(1) not in found:
            found.append(match.group(1))
    return found


def options(text):
    found = []
    for kind, line in sections(text):
        match = OPTION.match(line) if kind == "options" else None
        if match and match.group(1) not in found:
            found.append(match.group(1))
    return found


def main():
    binary = sys.argv[1]
    top = help_text(binary, [])
    for option in options(top):
        print("option", option)
    verbs = commands(top)
    if not verbs:
        sys.exit("no commands found in the output of --help")
    for verb in verbs:
        subs = commands(help_text(binary, [verb]))
        if not subs:
            print("command", verb)
            continue
        print("group", verb)
        for sub in subs:
            print("command", verb, sub)


if __name__ == "__main__":
    main()
