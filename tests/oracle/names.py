"""tests/oracle/names.py -- domain-name text conversions for the tshark oracle.

Standard library only (run with /usr/bin/python3 or any python3 >= 3.7).

sigtrail stores a name in dig's presentation format: labels separated by
dots, a trailing dot, the root as ".", and RFC 1035 section 5.1 escapes --
"\\X" for a special character X (dig escapes . \\ " ( ) ; @ $) and "\\DDD"
(three decimal digits) for a byte outside printable ASCII.  That text is
lossless: it can be turned back into the label bytes.

tshark 4.0 prints a name without the trailing dot, the root as "<Root>", and
with its own lossy escaping (Wireshark's format_text): it does NOT escape a
dot or a backslash inside a label, so "dot\\.in.label." and "dot.in.label."
both print as "dot.in.label".  A comparison therefore has to go one way:
decode sigtrail's text to label bytes (parse_presentation), then render those
bytes the way tshark does (render_tshark), and compare strings.  The mapping
below was measured on tshark 4.0.17 with tests/oracle/names.pcap (every byte
value in a label, plus valid and invalid UTF-8) -- tests/oracle/test_names.py
checks it against the installed tshark.
"""

import unicodedata

# Bytes below 0x20 that format_text writes as C escapes; every other byte
# below 0x20, and 0x7f, is written as a backslash and three OCTAL digits
# (tshark: \000 ... \037, \177 -- octal, unlike RFC 1035's decimal \DDD).
_C_ESCAPES = {7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r"}

REPLACEMENT = "\ufffd"


class NameError_(ValueError):
    pass


def parse_presentation(text):
    """dig presentation text -> list of label byte strings (root = []).

    Accepts "\\DDD" (decimal, 0..255) and "\\X" escapes; requires the
    trailing dot sigtrail always writes (a name without it is an error, so
    a sigtrail bug that drops it is reported rather than normalised away).
    """
    if text == ".":
        return []
    labels, cur, i, n = [], bytearray(), 0, len(text)
    ended_with_dot = False
    while i < n:
        c = text[i]
        ended_with_dot = False
        if c == "\\":
            if i + 1 >= n:
                raise NameError_("dangling backslash in %r" % text)
            d = text[i + 1:i + 4]
            if len(d) == 3 and d.isdigit():
                v = int(d)
                if v > 255:
                    raise NameError_("\\DDD out of range in %r" % text)
                cur.append(v)
                i += 4
            else:
                ch = text[i + 1]
                if ord(ch) > 0x7e or ord(ch) < 0x20:
                    raise NameError_("escaped non-printable character in %r" % text)
                cur.append(ord(ch))
                i += 2
        elif c == ".":
            if not cur:
                raise NameError_("empty label in %r" % text)
            labels.append(bytes(cur))
            cur = bytearray()
            ended_with_dot = True
            i += 1
        else:
            if ord(c) > 0x7e or ord(c) < 0x20:
                # The schema promises printable ASCII only.
                raise NameError_("raw non-printable character %r in %r" % (c, text))
            cur.append(ord(c))
            i += 1
    if not ended_with_dot:
        raise NameError_("no trailing dot in %r" % text)
    return labels


def _printable(cp):
    # glib's g_unichar_isprint(): everything except control (Cc), format
    # (Cf), unassigned (Cn) and surrogate (Cs) code points; spaces and
    # private-use characters count as printable.  Python's unicodedata may
    # be a different Unicode version than the machine's glib: only
    # code points assigned in between could differ.
    return unicodedata.category(chr(cp)) not in ("Cc", "Cf", "Cn", "Cs")


def _render_bytes(b):
    """Render bytes like tshark 4.0's format_text on a DNS name.

    Measured behaviour (tests/oracle/names.pcap):
      * printable ASCII 0x20..0x7e as is (also "." and "\\");
      * 0x07..0x0d as \\a \\b \\t \\n \\v \\f \\r, other controls and 0x7f as
        \\ooo octal;
      * a byte >= 0x80 starts a UTF-8 sequence whose length comes from the
        lead byte (C0-DF: 2, E0-EF: 3, F0-F7: 4, F8-FB: 5, FC-FD: 6).  The
        sequence is cut at the first byte that is not a continuation byte.
        A cut sequence, a stray continuation byte or FE/FF gives ONE
        U+FFFD.  A complete sequence is decoded leniently (overlong forms
        are accepted: C0 80 is U+0000); a surrogate or a value above
        U+10FFFF gives one U+FFFD; a printable code point is written as
        itself, any other as \\uXXXX (upper-case hex; \\UXXXXXXXX above
        U+FFFF).
    """
    out, i, n = [], 0, len(b)
    while i < n:
        c = b[i]
        if c < 0x80:
            if 0x20 <= c <= 0x7e:
                out.append(chr(c))
            elif c in _C_ESCAPES:
                out.append(_C_ESCAPES[c])
            else:
                out.append("\\%03o" % c)
            i += 1
            continue
        if c < 0xC0 or c >= 0xFE:
            out.append(REPLACEMENT)
            i += 1
            continue
        if c < 0xE0:
            need, cp = 1, c & 0x1F
        elif c < 0xF0:
            need, cp = 2, c & 0x0F
        elif c < 0xF8:
            need, cp = 3, c & 0x07
        elif c < 0xFC:
            need, cp = 4, c & 0x03
        else:
            need, cp = 5, c & 0x01
        j = i + 1
        while j < n and j - i - 1 < need and 0x80 <= b[j] <= 0xBF:
            cp = (cp << 6) | (b[j] & 0x3F)
            j += 1
        if j - i - 1 < need:
            out.append(REPLACEMENT)
        elif cp > 0x10FFFF or 0xD800 <= cp <= 0xDFFF:
            out.append(REPLACEMENT)
        elif _printable(cp):
            out.append(chr(cp))
        elif cp <= 0xFFFF:
            out.append("\\u%04X" % cp)
        else:
            out.append("\\U%08X" % cp)
        i = j
    return "".join(out)


def render_tshark(labels):
    """list of label bytes -> the text tshark 4.0 prints for dns.qry.name."""
    if not labels:
        return "<Root>"
    return ".".join(_render_bytes(l) for l in labels)


def sigtrail_to_tshark(text):
    """sigtrail's qname (dig presentation) -> what tshark prints for it."""
    return render_tshark(parse_presentation(text))


def to_presentation(labels):
    """label bytes -> dig presentation text (used by the tests only)."""
    if not labels:
        return "."
    parts = []
    for l in labels:
        s = []
        for c in l:
            if c in b'.\\"();@$':
                s.append("\\" + chr(c))
            elif 0x21 <= c <= 0x7e:
                s.append(chr(c))
            else:
                s.append("\\%03d" % c)
        parts.append("".join(s))
    return ".".join(parts) + "."
