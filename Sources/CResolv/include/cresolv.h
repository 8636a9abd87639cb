#ifndef SIPWARDEN_CRESOLV_H
#define SIPWARDEN_CRESOLV_H

/// One answer record of `sipwarden_dns_query`: for SRV the priority, weight, port and target
/// name; for A and AAAA the address as text in `target`.
typedef struct {
    unsigned short priority;
    unsigned short weight;
    unsigned short port;
    char target[1025];
} sipwarden_dns_record;

/// The record types `sipwarden_dns_query` answers.
enum { SIPWARDEN_DNS_A = 1, SIPWARDEN_DNS_AAAA = 28, SIPWARDEN_DNS_SRV = 33 };

/// Queries `name` for `type` records with glibc's resolver (res_nquery, ns_initparse), asking
/// the nameserver `nameserver` (an IPv4 literal) on `port` instead of resolv.conf's when it
/// is not NULL. Fills at most `max` records; returns how many, 0 when the name has none of
/// that type (NXDOMAIN, NODATA), or -1 with a message in `error` when the lookup failed.
int sipwarden_dns_query(const char *name, int type, const char *nameserver, unsigned short port,
                        sipwarden_dns_record *records, int max, char *error, int error_length);

#endif
