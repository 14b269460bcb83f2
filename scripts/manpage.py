#!/usr/bin/env python3
"""Writes a section-1 man page for a swift-argument-parser tool from its own argument definitions.

Usage: scripts/manpage.py PATH/TO/TOOL > tool.1

The tool describes itself with `--experimental-dump-help` (JSON: commands, options, arguments,
help texts, defaults) and `--version`; this script only lays that out in roff, so the page always
matches the binary it documents. One page per tool, with a section per subcommand. No date is
written, so the same binary always gives the same page.
"""
import json
import subprocess
import sys


def roff(text):
    """Escapes text for roff: backslashes, and dots or quotes that would start a request."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    lines = []
    for line in text.split("\n"):
        if line.startswith(".") or line.startswith("'"):
            line = "\\&" + line
        lines.append(line)
    return "\n".join(lines)


def discussion(text):
    """Paragraphs of flowing text; a paragraph with indented lines (examples) keeps its lines."""
    out = []
    for paragraph in text.strip().split("\n\n"):
        lines = paragraph.split("\n")
        out.append(".PP")
        if any(line.startswith(" ") for line in lines):
            out += [".nf", roff(paragraph), ".fi"]
        else:
            out.append(roff(" ".join(line.strip() for line in lines)))
    return out


def visible(argument):
    names = [n["name"] for n in argument.get("names", [])]
    return argument.get("shouldDisplay", True) and "help" not in names and "version" not in names


def option_label(argument):
    """`\\fB\\-q\\fR, \\fB\\-\\-quiet\\fR` or `\\fIcategory/id\\fR`, with the value name for options."""
    value = argument.get("valueName") or "value"
    if argument["kind"] == "positional":
        label = "\\fI" + roff(value) + "\\fR"
        return label + ("..." if argument.get("isRepeating") else "")
    spellings = []
    for name in argument.get("names", []):
        dashes = "-" if name["kind"] in ("short", "longWithSingleDash") else "--"
        spellings.append("\\fB" + roff(dashes + name["name"]) + "\\fR")
    label = ", ".join(spellings)
    if argument["kind"] == "option":
        label += " \\fI" + roff("<" + value + ">") + "\\fR"
    return label


def synopsis(command, path):
    parts = ["\\fB" + roff(" ".join(path)) + "\\fR"]
    for argument in command.get("arguments", []):
        if not visible(argument):
            continue
        if argument["kind"] == "positional":
            text = "\\fI" + roff("<" + (argument.get("valueName") or "value") + ">") + "\\fR"
        else:
            preferred = argument.get("preferredName") or argument["names"][0]
            dashes = "-" if preferred["kind"] in ("short", "longWithSingleDash") else "--"
            text = "\\fB" + roff(dashes + preferred["name"]) + "\\fR"
            if argument["kind"] == "option":
                text += " \\fI" + roff("<" + (argument.get("valueName") or "value") + ">") + "\\fR"
        if argument.get("isRepeating"):
            text += " ..."
        parts.append("[" + text + "]" if argument.get("isOptional") else text)
    if any(sub.get("shouldDisplay", True) and sub["commandName"] != "help" for sub in command.get("subcommands", [])):
        parts.append("\\fI<subcommand>\\fR")
    return " ".join(parts)


def describe_arguments(command):
    out = []
    for argument in command.get("arguments", []):
        if not visible(argument):
            continue
        out.append(".TP")
        out.append(option_label(argument))
        text = argument.get("abstract", "")
        if argument.get("discussion"):
            text += "\n" + argument["discussion"]
        if "defaultValue" in argument and argument["kind"] == "option":
            text += " (default: " + str(argument["defaultValue"]) + ")"
        out.append(roff(text.strip()) or "\\&")
    return out


def command_sections(command, path, depth):
    out = []
    for sub in command.get("subcommands", []):
        if not sub.get("shouldDisplay", True) or sub["commandName"] == "help":
            continue
        sub_path = path + [sub["commandName"]]
        out.append(".SS " + roff(" ".join(sub_path)) + ("  (default)" if command.get("defaultSubcommand") == sub["commandName"] else ""))
        out.append(synopsis(sub, sub_path))
        out.append(".PP")
        out.append(roff(sub.get("abstract", "")))
        if sub.get("discussion"):
            out += discussion(sub["discussion"])
        out.extend(describe_arguments(sub))
        out.extend(command_sections(sub, sub_path, depth + 1))
    return out


def page(tool, info, version):
    command = info["command"]
    name = command["commandName"]
    lines = [
        '.TH "%s" "1" "" "%s" "User Commands"' % (name.upper(), roff(version)),
        ".SH NAME",
        roff(name) + " \\- " + roff(command.get("abstract", "")),
        ".SH SYNOPSIS",
        synopsis(command, [name]),
        ".SH DESCRIPTION",
        roff(command.get("abstract", "")),
    ]
    if command.get("discussion"):
        lines += discussion(command["discussion"])
    lines += [".SH OPTIONS"] + describe_arguments(command)
    lines += [
        ".TP",
        "\\fB\\-h\\fR, \\fB\\-\\-help\\fR",
        "Show help for the command or a subcommand.",
        ".TP",
        "\\fB\\-\\-version\\fR",
        "Show the version.",
    ]
    commands = command_sections(command, [name], 1)
    if commands:
        lines += [".SH COMMANDS"] + commands
    others = [t for t in ("bouncekb", "bounce") if t != name]
    lines += [".SH SEE ALSO", ", ".join("\\fB%s\\fR(1)" % t for t in others) + "; the user guide in docs/ of the BounceKB repository."]
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: manpage.py PATH/TO/TOOL > tool.1\n")
        return 2
    tool = sys.argv[1]
    info = json.loads(subprocess.run([tool, "--experimental-dump-help"], check=True, capture_output=True, text=True).stdout)
    version_run = subprocess.run([tool, "--version"], capture_output=True, text=True)
    version = version_run.stdout.strip() if version_run.returncode == 0 and version_run.stdout.strip() else ""
    name = info["command"]["commandName"]
    sys.stdout.write(page(tool, info, (name + " " + version).strip()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
