"""lab/lib/labkit.py -- the machinery every lab scenario shares: two network
namespaces joined by a 1500-byte veth, the authoritative servers (NSD, Knot,
BIND) and the validating resolvers (unbound, BIND), tcpdump on both sides, the
client load, and the truth file.

Layout (all addresses live inside namespaces this module creates):
  namespace RES  lo: 127.0.0.10 / fd00:53::10 unbound, 127.0.0.20 / fd00:53::20 named,
                     clients 127.0.0.1 / ::1 ;  veth "vres" 10.53.0.1 / fd00:10::1
  namespace AUTH veth "vauth" 10.53.0.2-6 / fd00:10::2-6 (see zones.AUTH), MTU 1500
Every process is started with `ip netns exec`, its PID recorded in WORK/pids,
and stopped by that PID. Nothing queries anything outside the namespaces.
"""
import atexit, json, os, re, signal, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import zones  # noqa: E402

LAB = os.path.dirname(HERE)
REPO = os.path.dirname(LAB)
RESOLVERS = {"unbound": ("127.0.0.10", "fd00:53::10"), "bind": ("127.0.0.20", "fd00:53::20")}
CLIENTS = ("127.0.0.1", "::1")


def sh(*cmd, check=True, **kw):
    return subprocess.run(list(cmd), check=check, **kw)


def version(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
        return (out.stdout + out.stderr).strip().splitlines()[0]
    except Exception:
        return "?"


def zone_serial(text, origin):
    """The SOA serial of `origin` in zone text (one-line or parenthesised)."""
    for m in re.finditer(r"^(\S+)\s+(?:\d+\s+)?(?:IN\s+)?SOA\s+\S+\s+\S+\s+\(?\s*(\d+)", text, re.M):
        if m.group(1).lower() == origin.lower():
            return int(m.group(2))
    raise ValueError("no SOA for %s" % origin)


class Lab:
    def __init__(self, name, work=None):
        self.name = name
        self.work = os.path.abspath(work or os.path.join(LAB, "work", name))
        sh("rm", "-rf", self.work)
        os.makedirs(self.work)
        tag = "%x" % os.getpid()
        self.res, self.auth = "stlab-res-" + tag, "stlab-auth-" + tag
        self.procs = {}          # label -> Popen
        self.events = []         # (epoch, text)
        self.netns_up = False
        atexit.register(self.down)
        for s in (signal.SIGINT, signal.SIGTERM):
            signal.signal(s, lambda *a: sys.exit(130))

    # ------------------------------------------------------------ events
    def event(self, what, **kw):
        t = time.time()
        self.events.append(dict(epoch=round(t, 3), iso=zones.iso(t), what=what, **kw))
        print("[%s] %s %s" % (zones.iso(t), self.name, what), flush=True)
        return t

    # ------------------------------------------------------------ network
    def net_up(self):
        sh("ip", "netns", "add", self.res)
        sh("ip", "netns", "add", self.auth)
        self.netns_up = True
        for ns in (self.res, self.auth):
            sh("ip", "-n", ns, "link", "set", "lo", "up")
        sh("ip", "-n", self.res, "link", "add", "vres", "mtu", "1500", "type", "veth",
           "peer", "name", "vauth", "netns", self.auth)
        sh("ip", "-n", self.res, "link", "set", "vauth", "netns", self.auth, check=False,
           stderr=subprocess.DEVNULL)
        for ns, dev in ((self.res, "vres"), (self.auth, "vauth")):
            sh("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.%s.accept_dad=0" % dev)
            sh("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0")
        sh("ip", "-n", self.res, "addr", "add", "10.53.0.1/24", "dev", "vres")
        sh("ip", "-n", self.res, "addr", "add", "fd00:10::1/64", "dev", "vres", "nodad")
        for name, (v4, v6) in zones.AUTH.items():
            sh("ip", "-n", self.auth, "addr", "add", v4 + "/24", "dev", "vauth")
            sh("ip", "-n", self.auth, "addr", "add", v6 + "/64", "dev", "vauth", "nodad")
        for v4, v6 in RESOLVERS.values():
            sh("ip", "-n", self.res, "addr", "add", v4 + "/32", "dev", "lo")
            sh("ip", "-n", self.res, "addr", "add", v6 + "/128", "dev", "lo", "nodad")
        sh("ip", "-n", self.res, "link", "set", "vres", "up")
        sh("ip", "-n", self.auth, "link", "set", "vauth", "up")
        time.sleep(0.5)

    # ------------------------------------------------------------ processes
    def spawn(self, label, ns, cmd, log=None):
        log = open(os.path.join(self.work, (log or label) + ".log"), "ab")
        p = subprocess.Popen(["ip", "netns", "exec", ns] + cmd, stdout=log, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, cwd=self.work)
        self.procs[label] = p
        with open(os.path.join(self.work, "pids"), "a") as f:
            f.write("%d %s\n" % (p.pid, label))
        return p

    def stop(self, label, sig=signal.SIGTERM, wait=10):
        p = self.procs.pop(label, None)
        if not p or p.poll() is not None:
            return
        p.send_signal(sig)
        try:
            p.wait(wait)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()

    def down(self):
        for label in list(self.procs):
            if label.startswith("tcpdump"):
                continue
            self.stop(label)
        for label in list(self.procs):
            self.stop(label, signal.SIGINT)
        if self.netns_up:
            for ns in (self.res, self.auth):
                sh("ip", "netns", "del", ns, check=False, stderr=subprocess.DEVNULL)
            self.netns_up = False

    def nsexec(self, ns, *cmd, **kw):
        return subprocess.run(["ip", "netns", "exec", ns] + list(cmd), capture_output=True,
                              text=True, **kw)

    def wait_answer(self, ns, server, qname, qtype="SOA", timeout=20, want_ad=False):
        end = time.time() + timeout
        while time.time() < end:
            r = self.nsexec(ns, "dig", "+tries=1", "+time=1", "+dnssec", "@" + server, qname, qtype,
                            timeout=5)
            if "status: NOERROR" in r.stdout and (not want_ad or " ad;" in r.stdout or " ad " in r.stdout):
                return True
            time.sleep(0.3)
        raise RuntimeError("%s did not answer %s %s:\n%s" % (server, qname, qtype, r.stdout[-800:]))

    # ------------------------------------------------------------ authoritative servers
    def zdir(self, server):
        d = os.path.join(self.work, server)
        os.makedirs(d, exist_ok=True)
        return d

    def write_zone(self, server, origin, text):
        fn = os.path.join(self.zdir(server), (origin.strip(".") or "root") + ".zone")
        with open(fn, "w") as f:
            f.write(text)
        return fn

    def start_nsd(self, server, zonemap):
        d = self.zdir(server)
        v4, v6 = zones.AUTH[server]
        conf = ["server:", "  ip-address: %s" % v4, "  ip-address: %s" % v6, "  port: 53",
                '  username: ""', '  chroot: ""', "  zonesdir: %s" % d, '  database: ""',
                "  pidfile: %s/nsd.pid" % d, "  xfrdfile: %s/xfrd.state" % d,
                "  zonelistfile: %s/zone.list" % d, "  logfile: %s/nsd.log" % d,
                "  server-count: 1", "  ipv4-edns-size: 4096", "  ipv6-edns-size: 4096",
                "  verbosity: 1", "  refuse-any: yes", "remote-control:", "  control-enable: yes",
                "  control-interface: %s/nsd.ctl" % d]
        for origin, text in zonemap.items():
            fn = self.write_zone(server, origin, text)
            conf += ["zone:", '  name: "%s"' % origin, "  zonefile: %s" % fn]
        with open(os.path.join(d, "nsd.conf"), "w") as f:
            f.write("\n".join(conf) + "\n")
        self.spawn(server, self.auth, ["nsd", "-d", "-c", os.path.join(d, "nsd.conf")])
        self.kind = getattr(self, "kind", {})
        self.kind[server] = ("nsd", list(zonemap))
        self.wait_answer(self.auth, v4, list(zonemap)[0])

    def start_knot(self, server, zonemap):
        d = self.zdir(server)
        v4, v6 = zones.AUTH[server]
        conf = ["server:", "  rundir: %s" % d, "  listen: [ %s@53, %s@53 ]" % (v4, v6),
                "  udp-max-payload: 4096", "  udp-workers: 1", "  tcp-workers: 1",
                "  background-workers: 1", "control:", "  listen: %s/knot.sock" % d,
                "database:", "  storage: %s" % d, "log:", "  - target: %s/knot.log" % d, "    any: info",
                "template:", "  - id: default", "    storage: %s" % d, "    zonefile-sync: -1",
                "    zonefile-load: whole", "    journal-content: none", "    semantic-checks: off",
                "zone:"]
        for origin, text in zonemap.items():
            fn = self.write_zone(server, origin, text)
            conf += ["  - domain: %s" % origin, "    file: %s" % fn]
        with open(os.path.join(d, "knot.conf"), "w") as f:
            f.write("\n".join(conf) + "\n")
        self.spawn(server, self.auth, ["knotd", "-c", os.path.join(d, "knot.conf")])
        self.kind = getattr(self, "kind", {})
        self.kind[server] = ("knot", list(zonemap))
        self.wait_answer(self.auth, v4, list(zonemap)[0])

    def start_named_auth(self, server, zonemap):
        d = self.zdir(server)
        v4, v6 = zones.AUTH[server]
        conf = ['options { directory "%s"; pid-file "%s/named.pid";' % (d, d),
                "  listen-on port 53 { %s; }; listen-on-v6 port 53 { %s; };" % (v4, v6),
                "  recursion no; dnssec-validation no; notify no; max-udp-size 4096;",
                '  edns-udp-size 4096; session-keyfile "%s/session.key";' % d,
                "  automatic-interface-scan no; minimal-responses yes; };", "controls { };",
                'logging { channel f { file "%s/named.run"; severity info; print-time yes; };' % d,
                "  category default { f; }; };"]
        for origin, text in zonemap.items():
            fn = self.write_zone(server, origin, text)
            conf += ['zone "%s" { type primary; file "%s"; };' % (origin, fn)]
        with open(os.path.join(d, "named.conf"), "w") as f:
            f.write("\n".join(conf) + "\n")
        self.spawn(server, self.auth, ["named", "-g", "-n", "1", "-c", os.path.join(d, "named.conf")])
        self.kind = getattr(self, "kind", {})
        self.kind[server] = ("bind", list(zonemap))
        self.wait_answer(self.auth, v4, list(zonemap)[0])

    def start_auth(self, server, impl, zonemap):
        {"nsd": self.start_nsd, "knot": self.start_knot, "bind": self.start_named_auth}[impl](server, zonemap)

    def reload_zone(self, server, origin, text):
        """Write a new version of a zone and make the running server load it;
        returns once the server answers with the new SOA serial (NSD and BIND
        reload in the background)."""
        self.write_zone(server, origin, text)
        impl = self.kind[server][0]
        d = self.zdir(server)
        if impl == "nsd":
            r = self.nsexec(self.auth, "nsd-control", "-c", d + "/nsd.conf", "reload", origin)
        elif impl == "knot":
            r = self.nsexec(self.auth, "knotc", "-c", d + "/knot.conf", "-b", "zone-reload", origin)
        else:
            self.procs[server].send_signal(signal.SIGHUP)
            r = None
        if r is not None and r.returncode:
            raise RuntimeError("reload %s on %s failed: %s %s" % (origin, server, r.stdout, r.stderr))
        self.wait_serial(server, origin, zone_serial(text, origin))

    def wait_serial(self, server, origin, serial, timeout=10):
        """Poll the server (every 20 ms) until its SOA for origin has `serial`."""
        end = time.time() + timeout
        while True:
            r = self.nsexec(self.auth, "dig", "+short", "+norec", "+tries=1", "+time=1",
                            "@" + zones.AUTH[server][0], origin, "SOA", timeout=5)
            f = r.stdout.split()
            if len(f) >= 3 and f[2] == str(serial):
                return
            if time.time() > end:
                raise RuntimeError("%s does not serve %s serial %s: %s" % (server, origin, serial, r.stdout))
            time.sleep(0.02)

    # ------------------------------------------------------------ resolvers
    def write_anchor(self, root_ksk):
        self.anchor_ds = ". IN DS %s" % root_ksk.ds().to_text()
        self.anchor_tag = root_ksk.tag
        with open(os.path.join(self.work, "root-anchor.ds"), "w") as f:
            f.write(self.anchor_ds + "\n")
        with open(os.path.join(self.work, "root.hints"), "w") as f:
            f.write(". 3600000 NS a.root-servers.lab.\n"
                    "a.root-servers.lab. 3600000 A %s\n"
                    "a.root-servers.lab. 3600000 AAAA %s\n" % zones.AUTH["root"])

    def start_unbound(self, serve_stale=False):
        d = self.zdir("unbound")
        v4, v6 = RESOLVERS["unbound"]
        conf = ["server:", "  interface: %s" % v4, "  interface: %s" % v6, "  port: 53",
                '  username: ""', '  chroot: ""', "  directory: %s" % d, "  pidfile: %s/unbound.pid" % d,
                "  use-syslog: no", "  logfile: %s/unbound.log" % d, "  verbosity: 1",
                "  val-log-level: 2", "  log-servfail: yes", "  num-threads: 1",
                "  access-control: 0.0.0.0/0 allow", "  access-control: ::/0 allow",
                "  do-ip4: yes", "  do-ip6: yes", "  do-udp: yes", "  do-tcp: yes",
                "  outgoing-interface: 10.53.0.1", "  outgoing-interface: fd00:10::1",
                "  root-hints: %s/root.hints" % self.work,
                "  trust-anchor-file: %s/root-anchor.ds" % self.work,
                "  ede: yes", "  val-sig-skew-min: 0", "  val-sig-skew-max: 0",
                "  val-bogus-ttl: 5", "  edns-buffer-size: 4096", "  infra-host-ttl: 30",
                "  cache-max-negative-ttl: 30", "  so-reuseport: no", "  outgoing-range: 64",
                "  harden-dnssec-stripped: yes", "  qname-minimisation: yes"]
        if serve_stale:
            conf += ["  serve-expired: yes", "  serve-expired-ttl: 3600",
                     "  serve-expired-client-timeout: 1800", "  ede-serve-expired: yes"]
        conf += ["remote-control:", "  control-enable: yes", "  control-interface: %s/unbound.ctl" % d,
                 "  control-use-cert: no"]
        fn = os.path.join(d, "unbound.conf")
        with open(fn, "w") as f:
            f.write("\n".join(conf) + "\n")
        sh("unbound-checkconf", fn, stdout=subprocess.DEVNULL)
        self.spawn("unbound", self.res, ["unbound", "-d", "-c", fn])
        self.wait_answer(self.res, v4, ".", want_ad=True)

    def unbound_control(self, *args):
        r = self.nsexec(self.res, "unbound-control", "-c", self.zdir("unbound") + "/unbound.conf", *args)
        self.event("unbound-control " + " ".join(args), output=r.stdout.strip())
        return r

    def start_named_resolver(self, serve_stale=False):
        d = self.zdir("bind")
        v4, v6 = RESOLVERS["bind"]
        sh("rndc-confgen", "-a", "-c", d + "/rndc.key", "-k", "rndc-key", stdout=subprocess.DEVNULL,
           stderr=subprocess.DEVNULL)
        ds = self.anchor_ds.split()
        conf = ['include "%s/rndc.key";' % d,
                'controls { inet 127.0.0.20 port 953 allow { 127.0.0.0/8; } keys { "rndc-key"; }; };',
                'options { directory "%s"; pid-file "%s/named.pid";' % (d, d),
                "  listen-on port 53 { %s; }; listen-on-v6 port 53 { %s; };" % (v4, v6),
                "  recursion yes; allow-query { any; }; allow-recursion { any; };",
                "  dnssec-validation yes; edns-udp-size 4096; max-udp-size 4096;",
                "  query-source address 10.53.0.1; query-source-v6 address fd00:10::1;",
                "  servfail-ttl 1; max-ncache-ttl 30; automatic-interface-scan no;",
                '  session-keyfile "%s/session.key"; managed-keys-directory "%s";' % (d, d),
                "  minimal-responses no; notify no;"]
        if serve_stale:
            conf += ["  stale-answer-enable yes; stale-cache-enable yes; max-stale-ttl 3600;",
                     "  stale-answer-client-timeout 1800; stale-refresh-time 4;"]
        conf += ["};", 'logging { channel f { file "%s/named.run"; severity info; print-time yes; };' % d,
                 "  category default { f; }; category dnssec { f; }; category lame-servers { f; }; };",
                 'trust-anchors { . static-ds %s %s %s "%s"; };' % (ds[3], ds[4], ds[5], "".join(ds[6:])),
                 'zone "." { type hint; file "%s/root.hints"; };' % self.work]
        fn = os.path.join(d, "named.conf")
        with open(fn, "w") as f:
            f.write("\n".join(conf) + "\n")
        sh("named-checkconf", fn)
        self.spawn("bind", self.res, ["named", "-g", "-n", "1", "-c", fn])
        self.wait_answer(self.res, v4, ".", want_ad=True)

    def rndc(self, *args):
        d = self.zdir("bind")
        r = self.nsexec(self.res, "rndc", "-k", d + "/rndc.key", "-s", "127.0.0.20", "-p", "953", *args)
        self.event("rndc " + " ".join(args), output=(r.stdout + r.stderr).strip())
        return r

    def flush_zones(self, names, fix=False):
        """Both validating resolvers drop what they cached at or below each
        zone in `names` (rrsets, messages, validated and bad keys, negative
        answers, BIND's SERVFAIL cache and server addresses), so the next
        query for a name there is resolved and validated from scratch. After
        a fix unbound also drops every bogus and negative entry (bad key
        entries live up to a minute whatever val-bogus-ttl). Returns what was
        run, with times, for the truth file."""
        cmds = [("unbound", ["flush_zone", z]) for z in names]
        if fix:
            cmds += [("unbound", ["flush_bogus"]), ("unbound", ["flush_negative"])]
        cmds += [("bind", ["flushtree", z]) for z in names]
        done = []
        for res, args in cmds:
            t = time.time()
            r = self.unbound_control(*args) if res == "unbound" else self.rndc(*args)
            if r.returncode:
                raise RuntimeError("%s %s failed: %s %s" % (res, args, r.stdout, r.stderr))
            done.append(dict(epoch=round(t, 3), iso=zones.iso(t), resolver=res,
                             command=("unbound-control " if res == "unbound" else "rndc ") + " ".join(args)))
        return done

    def flush_resolvers(self):
        """Start a scenario's capture with cold caches (the warm-up queries are not in it)."""
        self.nsexec(self.res, "unbound-control", "-c", self.zdir("unbound") + "/unbound.conf", "reload")
        self.nsexec(self.res, "rndc", "-k", self.zdir("bind") + "/rndc.key", "-s", "127.0.0.20",
                    "-p", "953", "flush")

    # ------------------------------------------------------------ capture
    def capture_start(self):
        env = dict(os.environ, TZ="UTC")
        for dev in ("lo", "vres"):
            fn = os.path.join(self.work, "cap-%s.pcap" % dev)
            log = open(os.path.join(self.work, "tcpdump-%s.log" % dev), "ab")
            p = subprocess.Popen(["ip", "netns", "exec", self.res, "tcpdump", "-i", dev, "-n", "-U",
                                  "-s", "0", "-w", fn, "not port 953"],
                                 stdout=log, stderr=subprocess.STDOUT, env=env, cwd=self.work)
            self.procs["tcpdump-" + dev] = p
            with open(os.path.join(self.work, "pids"), "a") as f:
                f.write("%d tcpdump-%s\n" % (p.pid, dev))
        time.sleep(1.5)
        self.capture_t0 = self.event("capture started (tcpdump on RES lo and vres)")

    def capture_stop(self, fmt="pcapng"):
        time.sleep(1)
        for dev in ("lo", "vres"):
            self.stop("tcpdump-" + dev, signal.SIGINT)
        self.capture_t1 = time.time()
        out = os.path.join(self.work, "capture." + fmt)
        sh("mergecap", "-F", fmt, "-w", out, os.path.join(self.work, "cap-lo.pcap"),
           os.path.join(self.work, "cap-vres.pcap"))
        self.capture_file = out
        return out

    # ------------------------------------------------------------ client load
    def client_start(self, plan):
        fn = os.path.join(self.work, "client-plan.json")
        with open(fn, "w") as f:
            json.dump(plan, f)
        self.client_log = os.path.join(self.work, "client.jsonl")
        self.stopfile = os.path.join(self.work, "client.stop")
        self.spawn("client", self.res, ["/usr/bin/python3", os.path.join(HERE, "client.py"), fn,
                                        self.client_log, self.stopfile])

    def client_stop(self):
        open(self.stopfile, "w").close()
        p = self.procs.get("client")
        if p:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                pass
        self.stop("client")

    def sleep_until(self, t):
        while time.time() < t:
            time.sleep(min(0.5, max(0.0, t - time.time())))
            if self.procs.get("client") and self.procs["client"].poll() is not None:
                raise RuntimeError("client load died")
