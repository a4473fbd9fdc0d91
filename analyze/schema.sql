-- sigtrail database, schema version 3 (PRAGMA user_version = 3).
-- Documented in docs/schema.md. Text that came from packets is stored as
-- escaped presentation format (names as dig prints them, free text with
-- \DDD escapes): printable ASCII only. Raw bytes are BLOBs.
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT
);
CREATE TABLE captures (
	id          INTEGER PRIMARY KEY,  -- 0-based, in command-line order
	path        TEXT NOT NULL,
	format      TEXT,                 -- pcap, pcap-ns, pcapng
	linktype    INTEGER,
	tsresol_ns  INTEGER,              -- clock resolution of the first interface
	frames      INTEGER,
	bytes       INTEGER,
	file_size   INTEGER,
	first_ts_ns INTEGER,
	last_ts_ns  INTEGER,
	status      TEXT NOT NULL,        -- ok, truncated, malformed, not_a_capture, io_error
	error       TEXT
);
CREATE TABLE messages (
	id             INTEGER PRIMARY KEY,
	capture_id     INTEGER NOT NULL,
	frame          INTEGER NOT NULL,  -- frame that completed the message (tshark's frame)
	first_frame    INTEGER NOT NULL,
	ts_ns          INTEGER NOT NULL,  -- ns since the Unix epoch, UTC
	transport      TEXT NOT NULL,     -- udp, tcp
	src_addr       TEXT NOT NULL,
	src_port       INTEGER NOT NULL,
	dst_addr       TEXT NOT NULL,
	dst_port       INTEGER NOT NULL,
	vlan           INTEGER,
	cap_flags      INTEGER NOT NULL,  -- capture/frame.h enum cap_msg_flags
	size           INTEGER NOT NULL,  -- DNS message bytes
	dns_id         INTEGER,
	qr             INTEGER,
	opcode         INTEGER,
	aa INTEGER, tc INTEGER, rd INTEGER, ra INTEGER, z INTEGER, ad INTEGER, cd INTEGER,
	rcode          INTEGER,           -- 12-bit rcode (EDNS extended rcode included)
	qdcount INTEGER, ancount INTEGER, nscount INTEGER, arcount INTEGER,
	qname          TEXT,              -- escaped presentation, trailing dot
	qtype          INTEGER,
	qclass         INTEGER,
	edns           INTEGER NOT NULL,  -- 1 if an OPT RR was present
	edns_udp_size  INTEGER,
	edns_version   INTEGER,
	edns_do        INTEGER,
	edns_ext_rcode INTEGER,
	edns_z         INTEGER,
	nsid           TEXT,              -- escaped
	malformed      TEXT,              -- NULL, or why the message is malformed
	malformed_off  INTEGER,
	query_id       INTEGER,           -- on a response: messages.id of its query
	latency_ns     INTEGER            -- on a response: ts - query ts
);
-- The message bytes, apart: every scan of messages (indexes, incidents)
-- would otherwise read them too.
-- The DNS messages as captured, a block of consecutive messages per row
-- (analyze/wire_blocks.h): message first_id + k is entry k of wires, each
-- entry a 2-byte big-endian length and the bytes. Version 3.
CREATE TABLE message_wire_blocks (
	first_id INTEGER PRIMARY KEY,     -- messages.id of entry 0
	wires    BLOB NOT NULL
);
CREATE TABLE edns_options (
	message_id INTEGER NOT NULL,
	idx        INTEGER NOT NULL,      -- position in the OPT RDATA
	code       INTEGER NOT NULL,
	len        INTEGER NOT NULL,
	data       BLOB
);
CREATE TABLE ede (
	message_id INTEGER NOT NULL,
	code       INTEGER NOT NULL,      -- RFC 8914 INFO-CODE
	text       TEXT                   -- EXTRA-TEXT, escaped (raw bytes: edns_options.data)
);
CREATE TABLE anomalies (
	id         INTEGER PRIMARY KEY,
	capture_id INTEGER,
	frame      INTEGER,
	kind       TEXT NOT NULL,         -- docs/anomalies.md
	detail     TEXT,
	message_id INTEGER                -- for decode anomalies: the message
);
-- Every anomaly is counted here even when its rows are capped.
CREATE TABLE anomaly_counts (
	kind  TEXT PRIMARY KEY,
	count INTEGER NOT NULL
);
CREATE TABLE stats (
	key   TEXT PRIMARY KEY,
	value INTEGER NOT NULL
);

-- Version 2: DNSSEC validation (analyze/validate.c).
-- Every DNSKEY seen, per zone, with when and how often.
CREATE TABLE keys (
	id            INTEGER PRIMARY KEY,
	zone          TEXT NOT NULL,       -- escaped, lowercase, trailing dot
	tag           INTEGER NOT NULL,
	algorithm     INTEGER NOT NULL,
	flags         INTEGER NOT NULL,
	fingerprint   TEXT NOT NULL,       -- SHA-256 of the RDATA, hex
	key_bits      INTEGER,             -- public key length in bits
	first_ts_ns   INTEGER NOT NULL,
	last_ts_ns    INTEGER NOT NULL,
	seen          INTEGER NOT NULL,    -- DNSKEY RRsets it appeared in
	ttl           INTEGER,
	tag_collision INTEGER NOT NULL,    -- another published key of the zone shares tag and algorithm
	rdata         BLOB NOT NULL
);
-- One row per distinct RRSIG (owner, type covered and RDATA).
CREATE TABLE signatures (
	id           INTEGER PRIMARY KEY,
	hash         BLOB NOT NULL UNIQUE, -- SHA-256 of owner | RRSIG RDATA, first 16 bytes
	zone         TEXT NOT NULL,        -- the signer
	owner        TEXT NOT NULL,
	type_covered INTEGER NOT NULL,
	algorithm    INTEGER NOT NULL,
	key_tag      INTEGER NOT NULL,
	labels       INTEGER NOT NULL,
	orig_ttl     INTEGER NOT NULL,
	inception    INTEGER NOT NULL,     -- RRSIG times, seconds since the epoch (RFC 1982 32-bit)
	expiration   INTEGER NOT NULL,
	first_ts_ns  INTEGER NOT NULL,
	last_ts_ns   INTEGER NOT NULL,
	uses         INTEGER NOT NULL,     -- checks made (one per response carrying it)
	valid        INTEGER NOT NULL,     -- of which valid
	reason       TEXT,                 -- last non-valid reason code (docs/validation.md)
	ede          INTEGER,              -- the EDE a validator should give for it
	key_id       INTEGER               -- keys.id that verified it, if any
);
-- One row per RRSIG checked in a response: what, where, when, verdict.
CREATE TABLE sig_checks (
	message_id   INTEGER NOT NULL,
	signature_id INTEGER NOT NULL,
	ts_ns        INTEGER NOT NULL,
	server       TEXT NOT NULL,        -- the address that sent the response
	verdict      TEXT NOT NULL,        -- valid, bogus, indeterminate, unsupported
	reason       TEXT NOT NULL,        -- reason code
	ede          INTEGER,              -- NULL when valid
	chain        TEXT NOT NULL         -- secure, bogus, insecure, indeterminate (analyze/chain.h)
);
-- Per response carrying RRSIGs: what a validating resolver should have
-- concluded from it (answer and authority sections).
CREATE TABLE response_verdicts (
	message_id INTEGER PRIMARY KEY,
	expected   TEXT NOT NULL,          -- secure, bogus, indeterminate
	reason     TEXT,                   -- the first bogus check's reason
	ede        INTEGER                 -- the EDE a validator should have sent
);
-- Facts worth a line in a report: collisions, limits, unpublished keys.
CREATE TABLE findings (
	id         INTEGER PRIMARY KEY,
	kind       TEXT NOT NULL,
	zone       TEXT,
	key_tag    INTEGER,
	detail     TEXT,
	capture_id INTEGER,
	frame      INTEGER,
	message_id INTEGER,
	ts_ns      INTEGER
);
-- Public keys recovered from failing ECDSA signatures (algorithms 13, 14)
-- that explain two or more distinct failing signatures: unpublished keys.
CREATE TABLE recovered_keys (
	id            INTEGER PRIMARY KEY,
	zone          TEXT NOT NULL,
	algorithm     INTEGER NOT NULL,
	signature_tag INTEGER NOT NULL,    -- the key tag the failing RRSIGs carried
	tag_zsk       INTEGER NOT NULL,    -- the recovered key's tag with flags 256
	tag_ksk       INTEGER NOT NULL,    -- and with flags 257
	public_key    BLOB NOT NULL,       -- x||y as in a DNSKEY (RFC 6605)
	fingerprint   TEXT NOT NULL,       -- SHA-256 of the DNSKEY RDATA with flags 256, hex
	signatures    INTEGER NOT NULL,    -- distinct failing signatures it made
	first_ts_ns   INTEGER NOT NULL,
	last_ts_ns    INTEGER NOT NULL
);

-- Version 2, incident pass (analyze/incident.c; docs/incidents.md).
-- Zones seen in the capture: signers, DNSKEY owners, referral NS owners,
-- SOA owners. signed: it signs, or a DS for it was seen.
CREATE TABLE zones (
	zone   TEXT PRIMARY KEY,
	signed INTEGER NOT NULL
);
-- Endpoint roles from the traffic (analyze/roles.c). One row per role an
-- address plays: client (sends RD queries), resolver (answers RD queries
-- with RA), upstream (a resolver's outgoing side: sends non-RD queries),
-- authoritative (sends AA answers or referrals to non-RD queries).
CREATE TABLE endpoints (
	addr        TEXT NOT NULL,
	role        TEXT NOT NULL,
	first_ts_ns INTEGER NOT NULL,
	last_ts_ns  INTEGER NOT NULL,
	queries     INTEGER NOT NULL,     -- queries it sent in that role
	responses   INTEGER NOT NULL,     -- responses it sent in that role
	PRIMARY KEY (addr, role)
);
-- A resolver's client-facing address and the address it queries from,
-- linked by name and time (a client query, then an upstream query for the
-- name or an ancestor within AN_ROLES_LINK_WINDOW_NS).
CREATE TABLE resolver_links (
	resolver_addr TEXT NOT NULL,
	upstream_addr TEXT NOT NULL,
	matches       INTEGER NOT NULL,   -- client queries followed by such a query
	PRIMARY KEY (resolver_addr, upstream_addr)
);
-- What each resolver told its clients, per time bucket.
CREATE TABLE resolver_buckets (
	resolver          TEXT NOT NULL,
	bucket_start_ns   INTEGER NOT NULL,
	bucket_ns         INTEGER NOT NULL,
	responses         INTEGER NOT NULL,
	servfail          INTEGER NOT NULL,
	noerror           INTEGER NOT NULL,
	nxdomain          INTEGER NOT NULL,
	signed_answers    INTEGER NOT NULL, -- NOERROR/NXDOMAIN to DO queries for names in signed zones
	ad                INTEGER NOT NULL, -- of which with AD set
	stale             INTEGER NOT NULL, -- responses with EDE 3 or 19
	ede_codes         TEXT,             -- "code:count,..." by code, NULL if none
	latency_median_ns INTEGER,
	PRIMARY KEY (resolver, bucket_start_ns)
);
-- Signature checks per signer zone and bucket. bogus counts checks that
-- failed or whose chain is bogus, plus bogus responses without checks
-- (RRSIGs missing); by_reason: "reason:count,...".
CREATE TABLE sig_buckets (
	zone            TEXT NOT NULL,
	bucket_start_ns INTEGER NOT NULL,
	bucket_ns       INTEGER NOT NULL,
	valid           INTEGER NOT NULL,
	bogus           INTEGER NOT NULL,
	by_reason       TEXT,
	PRIMARY KEY (zone, bucket_start_ns)
);
-- Negative trust anchors inferred from behaviour: a resolver answers
-- DO queries for a zone that is bogus upstream NOERROR/NXDOMAIN without AD,
-- after answering it with AD or SERVFAIL.
CREATE TABLE nta_events (
	resolver            TEXT NOT NULL,
	zone                TEXT NOT NULL,
	first_ts_ns         INTEGER NOT NULL, -- first insecure answer
	evidence_message_id INTEGER NOT NULL, -- that answer
	before_ts_ns        INTEGER,          -- last AD or SERVFAIL answer before
	before_message_id   INTEGER,
	answers             INTEGER NOT NULL  -- insecure answers for the zone from then on
);
-- EDE a resolver sent on SERVFAIL during an incident versus what the
-- upstream evidence calls for.
CREATE TABLE resolver_claims (
	resolver           TEXT NOT NULL,
	incident_id        INTEGER NOT NULL,
	ede_sent           TEXT,              -- "6" or "6,9"; NULL: none
	count              INTEGER NOT NULL,
	evidence_reason    TEXT NOT NULL,     -- the incident's main reason code
	expected_ede       INTEGER,
	agrees             INTEGER NOT NULL,  -- expected_ede among ede_sent
	example_message_id INTEGER NOT NULL
);
-- One row per window of bogus evidence for a zone.
CREATE TABLE incidents (
	id                  INTEGER PRIMARY KEY,
	zone                TEXT NOT NULL,
	start_ns            INTEGER NOT NULL,  -- first bogus evidence
	end_ns              INTEGER NOT NULL,  -- last bogus evidence
	first_servfail_ns   INTEGER,           -- first SERVFAIL to a client for a name under zone
	peak_servfail_ratio REAL,              -- worst bucket: SERVFAIL / responses under zone
	root_cause          TEXT NOT NULL,     -- docs/incidents.md
	reason              TEXT,              -- main reason code of the bogus evidence
	names               INTEGER NOT NULL,  -- distinct names with SERVFAIL
	clients             INTEGER NOT NULL,  -- distinct clients given SERVFAIL
	zones               TEXT,              -- signed zones with SERVFAIL names, comma-separated
	collateral_zones    TEXT,              -- unsigned zones below with SERVFAIL names
	ede_codes           TEXT,              -- on those SERVFAILs, "code:count,..."
	stale_answers       INTEGER NOT NULL,  -- EDE 3/19 answers for names under zone
	recovered_ns        INTEGER,           -- bucket where the zone validates again
	summary             TEXT NOT NULL
);
-- Frames that prove each claim of an incident.
CREATE TABLE incident_evidence (
	incident_id INTEGER NOT NULL,
	claim       TEXT NOT NULL,             -- first_bogus, last_bogus, root_cause, ...
	capture_id  INTEGER,
	frame       INTEGER,
	message_id  INTEGER
);
-- Names clients could not resolve during an incident.
CREATE TABLE incident_names (
	incident_id INTEGER NOT NULL,
	name        TEXT NOT NULL,
	zone        TEXT,                      -- an_zone_of(name)
	collateral  INTEGER NOT NULL,          -- zone is unsigned, below the incident's zone
	servfails   INTEGER NOT NULL,
	first_ts_ns INTEGER NOT NULL
);
-- What a validating resolver concluded from an upstream answer (response_verdicts)
-- next to what it actually told its client for the same name and type within
-- AN_ANSWER_WINDOW_NS: the first such answer of the resolver that sent the query
-- (same address, or linked in resolver_links).
CREATE TABLE resolver_answers (
	upstream_message_id INTEGER NOT NULL, -- the authoritative answer judged
	expected            TEXT NOT NULL,    -- secure, bogus, indeterminate
	reason              TEXT,
	expected_ede        INTEGER,
	client_message_id   INTEGER NOT NULL, -- the resolver's answer to its client
	resolver            TEXT NOT NULL,
	rcode               INTEGER,
	ad                  INTEGER,
	ede_sent            TEXT              -- "6" or "6,9"; NULL: none
);
