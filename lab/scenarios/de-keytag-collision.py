#!/usr/bin/python3
"""de-keytag-collision: the .de night of 5 May 2026 in miniature, three servers.

During a ZSK rollover the signer made one ECDSA key pair per HSM (one per
authoritative server) with identical metadata, hence one key tag (33834), and
published only the first public key. Each server's copy of de. is signed with
its own private key, NSEC3 included, so only answers from de-a validate.
Phases: healthy -> latent (all three servers up: resolvers re-ask another
server after a bogus answer, clients see little or nothing) -> outage (de-a,
the only good server, stops: clients fail, unsigned children included because
their NSEC3 no-DS proofs are bogus) -> soa-resigned (a zone change re-signs
the SOA with the published key on every server: SOA answers validate, the rest
do not) -> fixed (every copy signed with the published key, de-a back).
"""
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import scenario as S
from scenario import Scenario, tsnap

sc = Scenario("de-keytag-collision", __doc__.strip().split("\n\n")[1].replace("\n", " "))
de0 = sc.build()
lab = sc.lab
hsm = S.hsm_keys(sc)
pub = S.keytag_published(sc)
pub_labels = {k.label for k in pub}
copies = {"de-a": 0, "de-b": 1, "de-c": 2}
why = ("RRSIG names key tag 33834, which matches the published DNSKEY, but the signature was made "
       "with the private key of another HSM whose public key was never published")
sc.up(de0, focus=["de."])
exp_ok = {"unbound": {"clients_fail": False, "ede": []}, "bind": {"clients_fail": False, "ede": []}}
sc.phase("healthy", 20, "old ZSK, every server's copy validates", exp_ok)

serial = sc.serial + 1
bogus, texts = [], {}
for s, i in copies.items():
    texts[s], used = sc.de_sign(lambda n, t, i=i: hsm[i], pub, serial)
    bogus += S.bogus_from_used(used, s, pub_labels, why)
t_fault = lab.event("fault: rollover to ZSK tag 33834; each de. server signed with its own HSM key")
for s, text in texts.items():
    lab.reload_zone(s, "de.", text)
sc.flush(["de."], "fault")
sc.phase("latent", 45, "fault present, good server de-a reachable: bogus upstream answers from de-b "
         "and de-c, resolvers re-ask, clients see few or no failures",
         {"unbound": {"clients_fail": False, "ede": [], "upstream_bogus": True},
          "bind": {"clients_fail": False, "ede": [], "upstream_bogus": True}})

t_out = lab.event("de-a (NSD, the only server with the published key's signatures) stops")
lab.stop("de-a")
sc.phase("outage", 35, "only bogus servers reachable: SERVFAIL for de. names and for unsigned and "
         "signed children (bogus NSEC3 no-DS proofs / bogus DS)",
         {"unbound": {"clients_fail": True, "ede": [6, 9]}, "bind": {"clients_fail": True, "ede": [6]}})

serial += 1
t_soa = lab.event("zone change: SOA re-signed with the published key on de-b and de-c")
for s in ("de-b", "de-c"):
    i = copies[s]
    text, used = sc.de_sign(lambda n, t, i=i: hsm[0] if t == "SOA" else hsm[i], pub, serial)
    lab.reload_zone(s, "de.", text)
    bogus += [dict(b, phase="soa-resigned") for b in S.bogus_from_used(used, s, pub_labels, why)]
sc.phase("soa-resigned", 25, "de. SOA validates (signed by the published key), everything else "
         "from de. still bogus", {"unbound": {"clients_fail": True, "ede": [6, 9]},
                                  "bind": {"clients_fail": True, "ede": [6]}})

serial += 1
text, _ = sc.de_sign(lambda n, t: hsm[0], pub, serial)
t_fix = lab.event("fix: every copy re-signed with the published ZSK 33834; de-a restarted")
for s in ("de-b", "de-c"):
    lab.reload_zone(s, "de.", text)
lab.start_auth("de-a", "nsd", {"de.": text})
sc.flush(["de."], "fix", fix=True)
sc.phase("fixed", 45, "all copies validate again (resolvers may keep the zone blacked out for up to "
         "a minute: bogus cache, unreachable-server marks)", exp_ok)

sc.fault = dict(
    kind="keytag-collision", start=tsnap(t_fault), latent_until=tsnap(t_out), outage=tsnap(t_out),
    soa_resigned=tsnap(t_soa), fix=tsnap(t_fix), zones=["de."],
    names=["de.", "nic.de.", "www.nic.de.", "big.de.", "nx-*.de.", "plain.de. (unsigned child)",
           "shop.de. (unsigned child)", "rsa8.de.", "ecdsa13.de.", "ed15.de."],
    key_tags=dict(published={"de.": [sc.keys["de-ksk"].tag] + [k.tag for k in pub]},
                  signing={"de-a": [hsm[0].tag], "de-b": [hsm[1].tag], "de-c": [hsm[2].tag],
                           "DNSKEY RRset": [sc.keys["de-ksk"].tag]},
                  ksk=sc.keys["de-ksk"].tag, old_zsk=sc.keys["de-zsk-old"].tag, colliding_tag=hsm[0].tag),
    keys=S.keytag_keys_truth(sc),
    servers={"good": ["de-a"], "bogus": ["de-b", "de-c"]},
    bogus_rrsets=bogus,
    expected_ede_note="a validator should send EDE 6 (DNSSEC Bogus); unbound 1.17 sends 9 (DNSKEY "
                      "Missing) for the first failure through a bogus proof; BIND 9.18 sends none")
sc.finish()
