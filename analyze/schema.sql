-- sigtrail database, schema version 2 (PRAGMA user_version = 2).
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
	latency_ns     INTEGER,           -- on a response: ts - query ts
	wire           BLOB NOT NULL      -- the DNS message as captured
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
