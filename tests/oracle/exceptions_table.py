#!/usr/bin/python3
"""tests/oracle/exceptions_table.py -- tests/oracle/EXCEPTIONS as a Markdown table.

usage: exceptions_table.py [--update DOC | --check DOC] [EXCEPTIONS]

Without options, prints the table.  --update rewrites the part of DOC
(docs/oracle.md) between the lines "<!-- exceptions:begin -->" and
"<!-- exceptions:end -->"; --check exits 1 if that part is out of date.
Standard library only.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BEGIN, END = "<!-- exceptions:begin -->", "<!-- exceptions:end -->"


def table(path):
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            glob, frame, field, reason = line.split(None, 3)
            rows.append((glob, frame, field, reason))
    out = ["| capture | frame | field | why sigtrail and tshark differ |",
           "|---|---|---|---|"]
    for glob, frame, field, reason in rows:
        out.append("| `%s` | %s | %s | %s |" % (glob, frame, field,
                                                reason.replace("|", "\\|")))
    out.append("")
    out.append("%d documented case(s), generated from `tests/oracle/EXCEPTIONS` by "
               "`tests/oracle/exceptions_table.py --update docs/oracle.md`." % len(rows))
    return "\n".join(out) + "\n"


def main(argv):
    mode = doc = None
    if argv[:1] in (["--update"], ["--check"]):
        mode, doc, argv = argv[0], argv[1], argv[2:]
    exc = argv[0] if argv else os.path.join(HERE, "EXCEPTIONS")
    t = table(exc)
    if not mode:
        sys.stdout.write(t)
        return 0
    with open(doc, encoding="utf-8") as fh:
        text = fh.read()
    a, b = text.index(BEGIN) + len(BEGIN), text.index(END)
    new = text[:a] + "\n" + t + text[b:]
    if mode == "--check":
        if new != text:
            print("%s: exceptions table out of date; run %s --update %s"
                  % (doc, os.path.relpath(__file__), doc))
            return 1
        return 0
    with open(doc, "w", encoding="utf-8") as fh:
        fh.write(new)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
