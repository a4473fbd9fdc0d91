#!/usr/bin/python3
"""tests/oracle/test_names.py -- checks names.py (standard library only).

1. Hand-written cases: dig presentation text -> tshark text.
2. If tshark is installed: for every query in tests/oracle/names.pcap
   (see make_names_pcap.py), names.py's rendering of the label bytes equals
   what tshark prints, and the presentation text round-trips.
Exit status 0 when all pass; prints one line per failure.
"""
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import names  # noqa: E402
import make_names_pcap  # noqa: E402

fails = 0


def check(what, got, want):
    global fails
    if got != want:
        fails += 1
        print("FAIL %s: got %r, want %r" % (what, got, want))


# 1. hand cases (the tshark column is what tshark 4.0.17 prints; the first
#    nine are the packetq sample-rfc1035escape.pcap queries)
HAND = [
    ("test.", "test"),
    ("'.", "'"),
    ('\\".', '"'),
    ("\\$.", "$"),
    ("\\\\.", "\\"),
    ("\\000.", "\\000"),
    ("\\255.", "\ufffd"),
    ("_test.all.54.non-escaped.characters.abcdefghijklmnopqrstuvwxyz."
     "ABCDEFGHIJKLMNOPQRSTUVWXYZ.0123456789.test.",
     "_test.all.54.non-escaped.characters.abcdefghijklmnopqrstuvwxyz."
     "ABCDEFGHIJKLMNOPQRSTUVWXYZ.0123456789.test"),
    ("dot\\.embeded.in.a.label.test.", "dot.embeded.in.a.label.test"),
    (".", "<Root>"),
    ("\\,\\..", ",."),            # dnscap sll2.pcap: label ",." (dig escapes the dot only)
    (",\\..", ",."),
    ("\\032.", " "),
    ("\\007\\008\\009\\010\\011\\012\\013.", "\\a\\b\\t\\n\\v\\f\\r"),
    ("\\001\\014\\031\\127.", "\\001\\016\\037\\177"),   # tshark: octal
    ("\\195\\169.example.", "\u00e9.example"),           # valid UTF-8 passes through
    ("\\192\\128.", "\\u0000"),                          # overlong NUL, decoded leniently
    ("\\065.", "A"),
    ("\\A.", "A"),
    ("a.b.c.", "a.b.c"),
]
for pres, ts in HAND:
    check("hand %r" % pres, names.sigtrail_to_tshark(pres), ts)

for bad in ["test", "a..b.", "\\", "\\256.", "caf\u00e9."]:
    try:
        names.parse_presentation(bad)
    except names.NameError_:
        pass
    else:
        check("reject %r" % bad, "accepted", "NameError_")

# round trip presentation <-> labels
for _, labels in make_names_pcap.CASES:
    check("roundtrip %r" % labels, names.parse_presentation(names.to_presentation(labels)), labels)

# 2. against tshark
pcap = os.path.join(HERE, "names.pcap")
if not shutil.which("tshark"):
    print("SKIP tshark not installed: only hand cases checked")
else:
    out = subprocess.run(["tshark", "-n", "-r", pcap, "-T", "json", "--no-duplicate-keys",
                          "-J", "dns"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         check=True).stdout
    pkts = json.loads(out.decode("utf-8"))
    check("names.pcap frames", len(pkts), len(make_names_pcap.CASES))
    for i, p in enumerate(pkts):
        dns = p["_source"]["layers"]["dns"]
        q = next(iter(dns["Queries"].values()))
        if isinstance(q, list):
            q = q[0]
        _, labels = make_names_pcap.CASES[i]
        pres = names.to_presentation(labels)
        check("frame %d %r" % (i + 1, pres), names.sigtrail_to_tshark(pres), q["dns.qry.name"])
print("names: %d failure(s)" % fails if fails else "names: OK")
sys.exit(1 if fails else 0)
