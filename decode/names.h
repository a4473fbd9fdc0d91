/* decode/names.h -- mnemonics for numbers: RR types, classes, opcodes,
 * rcodes, EDNS option codes, DNSSEC algorithms, DS digests and Extended
 * DNS Error codes. Tables of static strings; unknown values get a
 * generic form written into the caller's buffer. */
#pragma once
#include <stddef.h>
#include <stdint.h>

/* "A", "RRSIG", ... or "TYPE65280" (RFC 3597) written into buf. */
const char *dec_type_name(uint16_t type, char *buf, size_t buflen);
const char *dec_class_name(uint16_t rclass, char *buf, size_t buflen);
/* "NOERROR", "SERVFAIL", "BADVERS", ... or "RCODE23". */
const char *dec_rcode_name(uint16_t rcode, char *buf, size_t buflen);
const char *dec_opcode_name(uint8_t opcode, char *buf, size_t buflen);
/* "NSID", "COOKIE", "EDE", ... or "OPT65001". */
const char *dec_option_name(uint16_t code, char *buf, size_t buflen);
/* "RSASHA256", "ECDSAP256SHA256", ... or "ALG200". */
const char *dec_algorithm_name(uint8_t alg, char *buf, size_t buflen);
/* RFC 8914 and IANA registry names, through 33 "Negative Trust Anchor";
 * static string, or NULL when the code is not assigned. */
const char *dec_ede_name(uint16_t code);
