#!/usr/bin/python3
# tests/report/check_html.py -- structural checks on a sigtrail HTML report,
# with Python's html.parser (never grep), for tests/system/t_report_*.sh.
#
#   check_html.py REPORT.html [--hostile] [--same-script OTHER.html]
#
# Always: the file is printable ASCII; exactly one <script>, whose SHA-256
# is the one the Content-Security-Policy allows; only the template's tags
# and attributes; no attribute starting with "on"; links are in-page
# anchors; style attributes are our colour swatches; text nodes hold only
# printable ASCII plus the few characters we write ourselves.
# --hostile: also each payload of make_hostile_names.py appears as visible,
# escaped text. --same-script: the other report's script is identical.
# --json: print a summary of counts (tables, rows, charts) for other tests.
# --dom: the file is a browser's DOM dump (UTF-8): print the counts only.
import base64, hashlib, html.parser, importlib.util, json, os, re, sys

ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "span", "nav", "a",
    "section", "ul", "li", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "b", "i", "code",
    "div", "br", "script", "svg", "line", "text", "rect", "polyline", "circle",
}
ALLOWED_ATTRS = {
    "lang", "charset", "http-equiv", "content", "name", "id", "class", "style", "href", "colspan",
    "viewbox", "role", "xmlns", "x", "y", "x1", "y1", "x2", "y2", "width", "height", "fill", "stroke",
    "stroke-width", "stroke-dasharray", "points", "cx", "cy", "r",
}
OUR_CHARS = set("\u00d7\u2013")          # &times; &ndash;
STYLE_RE = re.compile(r"^background:#[0-9a-f]{6}(;opacity:\.2)?$")
CSP_RE = re.compile(r"^default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                    r"script-src 'sha256-([A-Za-z0-9+/=]{44})'; base-uri 'none'; form-action 'none'$")


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attrs, self.scripts, self.texts = [], [], [], []
        self.stack, self.csp = [], None
        self.tables = {}            # id -> [rows in tbody]
        self.ids = {}               # id -> text
        self.cur_table, self.in_tbody, self.id_stack = None, False, []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend((tag, k, v) for k, v in attrs)
        a = dict(attrs)
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy":
            self.csp = a.get("content")
        if tag == "script":
            self.scripts.append("")
        if tag == "table":
            self.cur_table = a.get("id")
            self.tables.setdefault(self.cur_table, 0)
        if tag == "tbody":
            self.in_tbody = True
        if tag == "tr" and self.in_tbody and self.cur_table:
            self.tables[self.cur_table] += 1
        if tag not in ("br", "meta", "line", "rect", "circle", "polyline"):
            self.stack.append(tag)
            self.id_stack.append(a.get("id"))
            if a.get("id"):
                self.ids[a["id"]] = ""

    def handle_endtag(self, tag):
        if tag == "tbody":
            self.in_tbody = False
        if tag == "table":
            self.cur_table = None
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
            self.id_stack.pop()

    def handle_data(self, data):
        top = self.stack[-1] if self.stack else ""
        if top == "script":
            self.scripts[-1] += data
        elif top != "style":
            self.texts.append(data)
            for i in self.id_stack:
                if i:
                    self.ids[i] += data


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def parse(path, dom=False):
    raw = open(path, "rb").read()
    bad = [b for b in raw if not (0x20 <= b <= 0x7E or b in (9, 10))]
    if bad and not dom:
        fail(f"{path}: {len(bad)} bytes outside printable ASCII, first {bad[0]:#x}")
    p = Page()
    p.feed(raw.decode("utf-8" if dom else "ascii"))
    p.close()
    return p


def check_structure(p, path):
    if len(p.scripts) != 1:
        fail(f"{path}: {len(p.scripts)} <script> elements, expected exactly ours")
    m = CSP_RE.match(p.csp or "")
    if not m:
        fail(f"{path}: Content-Security-Policy missing or changed: {p.csp!r}")
    digest = base64.b64encode(hashlib.sha256(p.scripts[0].encode()).digest()).decode()
    if digest != m.group(1):
        fail(f"{path}: script hash {digest} is not the one the CSP allows ({m.group(1)})")
    extra = set(p.tags) - ALLOWED_TAGS
    if extra:
        fail(f"{path}: tags outside the template: {sorted(extra)}")
    for tag, k, v in p.attrs:
        if k.startswith("on"):
            fail(f"{path}: event handler attribute {k} on <{tag}>")
        if k not in ALLOWED_ATTRS:
            fail(f"{path}: attribute {k} on <{tag}> is not in the template")
        if k == "href" and not (v or "").startswith("#"):
            fail(f"{path}: link to {v!r}")
        if k == "style" and not STYLE_RE.match(v or ""):
            fail(f"{path}: style attribute {v!r}")
    for t in p.texts:
        for ch in t:
            if not (" " <= ch <= "~" or ch in "\n\t" or ch in OUR_CHARS):
                fail(f"{path}: text node with {ch!r}: {t[:80]!r}")
    return digest


def label_escape(b):
    """sigtrail's (dig's) presentation form of one label."""
    out = ""
    for c in b:
        if chr(c) in '.;()\\"@$ ':
            out += "\\" + chr(c)
        elif 0x20 <= c <= 0x7E:
            out += chr(c)
        else:
            out += "\\%03d" % c
    return out


def text_escape(b):
    out = ""
    for c in b:
        if chr(c) in '\\"':
            out += "\\" + chr(c)
        elif 0x20 <= c <= 0x7E:
            out += chr(c)
        else:
            out += "\\%03d" % c
    return out


def check_hostile(p, path):
    here = os.path.dirname(os.path.abspath(__file__))
    spec = importlib.util.spec_from_file_location("gen", os.path.join(here, "make_hostile_names.py"))
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    visible = "\n".join(p.texts)
    missing = [pl for pl in gen.PAYLOADS if label_escape(pl) + ".hostile.example." not in visible]
    if missing:
        fail(f"{path}: payload names not shown as escaped text: {missing}")
    missing = [t for t in gen.EDE_TEXTS[:4] if text_escape(t) not in visible]
    if missing:
        fail(f"{path}: EDE texts not shown as escaped text: {missing}")
    print(f"ok: {len(gen.PAYLOADS)} hostile names and {len(gen.EDE_TEXTS) - 1} EDE texts shown escaped")


def main():
    args = sys.argv[1:]
    path = args[0]
    if "--dom" in args:
        # a DOM serialised by a browser (--dump-dom): counts only
        p = parse(path, dom=True)
        svgs = sum(1 for tag, k, v in p.attrs if tag == "svg" and k == "class" and v == "chart")
        print(json.dumps({"tables": p.tables, "charts": svgs, "ids": p.ids, "scripts": len(p.scripts)}))
        return
    p = parse(path)
    digest = check_structure(p, path)
    if "--hostile" in args:
        check_hostile(p, path)
    if "--same-script" in args:
        other = args[args.index("--same-script") + 1]
        q = parse(other)
        if check_structure(q, other) != digest:
            fail(f"{path}: its script differs from {other}'s")
    if "--json" in args:
        svgs = sum(1 for tag, k, v in p.attrs if tag == "svg" and k == "class" and v == "chart")
        print(json.dumps({"tables": p.tables, "charts": svgs, "ids": p.ids}))
    else:
        print(f"ok: {path}: one script (hash matches the CSP), {len(set(p.tags))} tag kinds, "
              f"{len(p.texts)} text nodes, all printable")


if __name__ == "__main__":
    main()
