-- sigtrail database, schema version 1 (PRAGMA user_version = 1).
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
