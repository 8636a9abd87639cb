// libnftnl and libmnl (Debian: libnftnl-dev, libmnl-dev) for the nftables firewall backend,
// plus the few kernel constants and calls Swift's Glibc module does not expose.
#ifndef SIPWARDEN_CNFTABLES_H
#define SIPWARDEN_CNFTABLES_H

#include <stdint.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/netlink.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/table.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/expr.h>
#include <libnftnl/set.h>
#include <libnftnl/batch.h>

/// setns(2) into a network namespace (the flag is CLONE_NEWNET); only the calling thread moves.
static inline int cnft_enter_network_namespace(int fd) {
    extern int setns(int fd, int nstype);
    return setns(fd, 0x40000000);
}

/// The fixed sizes of netlink headers, which Swift cannot take from the C macros.
static inline uint32_t cnft_nlmsghdr_size(void) { return (uint32_t)NLMSG_HDRLEN; }
static inline uint32_t cnft_nfgenmsg_size(void) { return (uint32_t)NLMSG_ALIGN(sizeof(struct nfgenmsg)); }

#endif
