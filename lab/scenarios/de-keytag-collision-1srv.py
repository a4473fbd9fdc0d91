#!/usr/bin/python3
"""de-keytag-collision-1srv: the key-tag collision with one de. server.

de. has a single authoritative server (NSD). After the rollover to ZSK tag
33834 the signer spread its work over three HSMs holding three private keys
with one key tag, only the first published: each RRset (NSEC3 included) is
signed by one of them, so about two thirds of the RRsets are bogus and clients
fail at once, with no server going away. The SOA is re-signed on each zone
change by whichever HSM takes the job, so SOA answers validate in some fault
phases and not in others. Then the zone is re-signed with the published key.
Short enough to run live in CI (LAB_SHORT=1).
"""
import hashlib, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import scenario as S
from scenario import Scenario, tsnap

name = os.environ.get("LAB_NAME", "de-keytag-collision-1srv")
sc = Scenario(name, __doc__.strip().split("\n\n")[1].replace("\n", " "))
de0 = sc.build(de_servers=("de-a",))
lab = sc.lab
hsm = S.hsm_keys(sc)
pub = S.keytag_published(sc)
pub_labels = {k.label for k in pub}
why = ("RRSIG names key tag 33834, which matches the published DNSKEY, but the signature was made "
       "with the private key of an HSM whose public key was never published")


def pick(owner, rtype):
    return int(hashlib.sha256((owner + "/" + rtype).encode()).hexdigest(), 16) % 3


sc.up(de0, focus=["de."])
ok = {"unbound": {"clients_fail": False, "ede": []}, "bind": {"clients_fail": False, "ede": []}}
bad = {"unbound": {"clients_fail": True, "ede": [6, 9]}, "bind": {"clients_fail": True, "ede": [6]}}
sc.phase("healthy", 20, "old ZSK, everything validates", ok)
bogus, times = [], []
serial = sc.serial
for step, soa_hsm in enumerate((1, 0, 2)):
    serial += 1
    text, used = sc.de_sign(lambda n, ty: hsm[soa_hsm] if ty == "SOA" else hsm[pick(n, ty)], pub, serial)
    t = lab.event("fault step %d: de. re-signed over three HSMs (one key tag 33834); SOA by hsm%d"
                  % (step + 1, soa_hsm))
    times.append(t)
    lab.reload_zone("de-a", "de.", text)
    if step == 0:
        sc.flush(["de."], "fault")
    bogus += [dict(b, phase="fault-%d" % (step + 1)) for b in S.bogus_from_used(used, "de-a", pub_labels, why)]
    sc.phase("fault-%d" % (step + 1), 25, "two thirds of de.'s RRsets signed by unpublished keys; "
             "SOA signed by hsm%d (%s)" % (soa_hsm, "published, validates" if soa_hsm == 0 else "bogus"), bad)
serial += 1
text, _ = sc.de_sign(lambda n, ty: hsm[0], pub, serial)
t_fix = lab.event("fix: de. re-signed with the published ZSK 33834 only")
lab.reload_zone("de-a", "de.", text)
sc.flush(["de."], "fix", fix=True)
sc.phase("fixed", 35, "everything validates again (the resolvers dropped their bogus entries at the fix)", ok)

sc.fault = dict(
    kind="keytag-collision-one-server", start=tsnap(times[0]), fix=tsnap(t_fix),
    soa_resigned=[tsnap(t) for t in times], zones=["de."],
    names=["de.", "nic.de.", "www.nic.de.", "big.de.", "nx-*.de.", "plain.de. (unsigned child)",
           "shop.de. (unsigned child)", "rsa8.de.", "ecdsa13.de.", "ed15.de."],
    key_tags=dict(published={"de.": [sc.keys["de-ksk"].tag] + [k.tag for k in pub]},
                  signing={"de-a": [hsm[0].tag], "DNSKEY RRset": [sc.keys["de-ksk"].tag]},
                  ksk=sc.keys["de-ksk"].tag, old_zsk=sc.keys["de-zsk-old"].tag, colliding_tag=hsm[0].tag),
    keys=S.keytag_keys_truth(sc), servers={"good": [], "bogus": ["de-a"]},
    rrset_to_hsm="sha256(owner + '/' + type) mod 3 (SOA: per step, see events)",
    bogus_rrsets=bogus,
    expected_ede_note="a validator should send EDE 6 (DNSSEC Bogus); unbound 1.17 sends 9 (DNSKEY "
                      "Missing) for the first failure through a bogus proof; BIND 9.18 sends none")
sc.finish()
