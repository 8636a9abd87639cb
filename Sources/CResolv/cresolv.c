#include "cresolv.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdio.h>
#include <string.h>

int sipwarden_dns_query(const char *name, int type, const char *nameserver, unsigned short port,
                        sipwarden_dns_record *records, int max, char *error, int error_length) {
    struct __res_state state;
    memset(&state, 0, sizeof state);
    if (res_ninit(&state) != 0) {
        snprintf(error, error_length, "res_ninit failed");
        return -1;
    }
    if (nameserver != NULL) {
        struct sockaddr_in server;
        memset(&server, 0, sizeof server);
        server.sin_family = AF_INET;
        server.sin_port = htons(port);
        if (inet_pton(AF_INET, nameserver, &server.sin_addr) != 1) {
            snprintf(error, error_length, "nameserver %s is not an IPv4 address", nameserver);
            res_nclose(&state);
            return -1;
        }
        state.nsaddr_list[0] = server;
        state.nscount = 1;
    }
    unsigned char answer[8192];
    int length = res_nquery(&state, name, ns_c_in, type, answer, sizeof answer);
    if (length < 0) {
        int code = state.res_h_errno;
        res_nclose(&state);
        if (code == HOST_NOT_FOUND || code == NO_DATA) return 0;
        snprintf(error, error_length, "%s", hstrerror(code));
        return -1;
    }
    if (length > (int)sizeof answer) length = sizeof answer;
    ns_msg message;
    if (ns_initparse(answer, length, &message) != 0) {
        snprintf(error, error_length, "malformed DNS answer");
        res_nclose(&state);
        return -1;
    }
    int count = 0;
    int answers = ns_msg_count(message, ns_s_an);
    for (int i = 0; i < answers && count < max; i++) {
        ns_rr record;
        if (ns_parserr(&message, ns_s_an, i, &record) != 0) continue;
        if (ns_rr_type(record) != type) continue;
        const unsigned char *data = ns_rr_rdata(record);
        sipwarden_dns_record *out = &records[count];
        memset(out, 0, sizeof *out);
        if (type == SIPWARDEN_DNS_SRV) {
            if (ns_rr_rdlen(record) < 7) continue;
            out->priority = ns_get16(data);
            out->weight = ns_get16(data + 2);
            out->port = ns_get16(data + 4);
            if (dn_expand(ns_msg_base(message), ns_msg_end(message), data + 6, out->target, sizeof out->target) < 0) continue;
        } else if (type == SIPWARDEN_DNS_A) {
            if (ns_rr_rdlen(record) != 4 || inet_ntop(AF_INET, data, out->target, sizeof out->target) == NULL) continue;
        } else if (type == SIPWARDEN_DNS_AAAA) {
            if (ns_rr_rdlen(record) != 16 || inet_ntop(AF_INET6, data, out->target, sizeof out->target) == NULL) continue;
        } else {
            continue;
        }
        count++;
    }
    res_nclose(&state);
    return count;
}
