/* SIP flood sender for bench/flood.sh: REGISTER (with made-up digest credentials, as a
 * password cracker sends them) and OPTIONS (as a scanner sends them) from many distinct IPv4
 * source addresses, over a raw socket with IP_HDRINCL, at a fixed rate, bounded in count and
 * time. Meant to run inside a network namespace bench/flood.sh creates; it refuses
 * destinations outside 10.0.0.0/8 so it cannot be pointed at a real host by mistake.
 *
 *   flood_sender DEST_IP DEST_PORT FIRST_SOURCE SOURCES RATE SECONDS OPTIONS_UA
 *
 * Sources FIRST_SOURCE, FIRST_SOURCE+1, ... (SOURCES of them) take turns; even-numbered ones
 * send REGISTERs, odd-numbered ones OPTIONS with User-Agent OPTIONS_UA. Every packet is a new
 * transaction (fresh branch and CSeq). Prints what it sent on exit. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 8) {
        fprintf(stderr, "usage: %s DEST_IP DEST_PORT FIRST_SOURCE SOURCES RATE SECONDS OPTIONS_UA\n", argv[0]);
        return 2;
    }
    struct in_addr dest, first;
    if (!inet_aton(argv[1], &dest) || !inet_aton(argv[3], &first)) { fprintf(stderr, "bad address\n"); return 2; }
    if ((ntohl(dest.s_addr) >> 24) != 10) { fprintf(stderr, "refusing destination %s outside 10.0.0.0/8\n", argv[1]); return 2; }
    int port = atoi(argv[2]);
    long sources = atol(argv[4]), rate = atol(argv[5]);
    double seconds = atof(argv[6]);
    const char *ua = argv[7];
    if (port <= 0 || port > 65535 || sources <= 0 || sources > 1000000 || rate <= 0 || rate > 1000000 || seconds <= 0 || seconds > 600) {
        fprintf(stderr, "out of bounds: port 1-65535, sources 1-1000000, rate 1-1000000/s, seconds 0-600\n");
        return 2;
    }
    int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
    if (fd < 0) { perror("socket(SOCK_RAW)"); return 1; }
    int one = 1;
    if (setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof one) < 0) { perror("IP_HDRINCL"); return 1; }
    int sndbuf = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);

    struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr = dest };
    unsigned char packet[1500];
    long sent = 0, registers = 0, options = 0, errors = 0;
    long limit = (long)(rate * seconds);
    double start = now();
    const long batch = rate >= 1000 ? rate / 1000 : 1; /* packets per pacing step */
    while (sent < limit) {
        double due = start + (double)sent / rate;
        double wait = due - now();
        if (wait > 0) {
            struct timespec t = { (time_t)wait, (long)((wait - (time_t)wait) * 1e9) };
            nanosleep(&t, NULL);
        }
        if (now() - start > seconds + 5) break; /* cannot keep up: stop on time anyway */
        for (long b = 0; b < batch && sent < limit; b++, sent++) {
            long index = sent % sources;
            uint32_t source = ntohl(first.s_addr) + (uint32_t)index;
            char src[16];
            struct in_addr sa = { htonl(source) };
            inet_ntop(AF_INET, &sa, src, sizeof src);
            int sport = 5060 + (int)(index % 1000);
            char *payload = (char *)packet + sizeof(struct iphdr) + sizeof(struct udphdr);
            size_t room = sizeof packet - sizeof(struct iphdr) - sizeof(struct udphdr);
            int n;
            if (index % 2 == 0) {
                n = snprintf(payload, room,
                    "REGISTER sip:%s SIP/2.0\r\nVia: SIP/2.0/UDP %s:%d;branch=z9hG4bKf%lx;rport\r\nMax-Forwards: 70\r\n"
                    "From: <sip:%ld@%s>;tag=f%lx\r\nTo: <sip:%ld@%s>\r\nCall-ID: flood-%lx@%s\r\nCSeq: %ld REGISTER\r\n"
                    "Contact: <sip:%ld@%s:%d>\r\nAuthorization: Digest username=\"%ld\", realm=\"sipwarden\", "
                    "nonce=\"AAAAAAAAAAAAAAAAAAAAAA\", uri=\"sip:%s\", response=\"00000000000000000000000000000000\", algorithm=MD5\r\n"
                    "Expires: 3600\r\nUser-Agent: flood\r\nContent-Length: 0\r\n\r\n",
                    argv[1], src, sport, sent, 100 + sent % 900, argv[1], sent, 100 + sent % 900, argv[1], index, src,
                    sent + 1, 100 + sent % 900, src, sport, 100 + sent % 900, argv[1]);
                registers++;
            } else {
                n = snprintf(payload, room,
                    "OPTIONS sip:100@%s SIP/2.0\r\nVia: SIP/2.0/UDP %s:%d;branch=z9hG4bKo%lx;rport\r\nMax-Forwards: 70\r\n"
                    "From: <sip:100@%s>;tag=o%lx\r\nTo: <sip:100@%s>\r\nCall-ID: scan-%lx@%s\r\nCSeq: 1 OPTIONS\r\n"
                    "Contact: <sip:100@%s:%d>\r\nUser-Agent: %s\r\nAccept: application/sdp\r\nContent-Length: 0\r\n\r\n",
                    argv[1], src, sport, sent, src, sent, argv[1], sent, src, src, sport, ua);
                options++;
            }
            if (n < 0 || (size_t)n >= room) { errors++; continue; }
            struct iphdr *ip = (struct iphdr *)packet;
            struct udphdr *udp = (struct udphdr *)(packet + sizeof *ip);
            size_t total = sizeof *ip + sizeof *udp + (size_t)n;
            memset(ip, 0, sizeof *ip);
            ip->version = 4; ip->ihl = 5; ip->ttl = 64; ip->protocol = IPPROTO_UDP;
            ip->tot_len = htons((uint16_t)total); /* the kernel fills in id and checksum */
            ip->saddr = htonl(source); ip->daddr = dest.s_addr;
            udp->source = htons((uint16_t)sport); udp->dest = htons((uint16_t)port);
            udp->len = htons((uint16_t)(sizeof *udp + (size_t)n)); udp->check = 0; /* optional over IPv4 */
            if (sendto(fd, packet, total, 0, (struct sockaddr *)&to, sizeof to) < 0) {
                errors++;
                if (errno == ENOBUFS || errno == EAGAIN) usleep(100);
            }
        }
    }
    double elapsed = now() - start;
    printf("sent %ld packets (%ld REGISTER, %ld OPTIONS) from %ld sources in %.1f s (%.0f/s), %ld send errors\n",
           sent, registers, options, sources < sent ? sources : sent, elapsed, sent / elapsed, errors);
    return 0;
}
