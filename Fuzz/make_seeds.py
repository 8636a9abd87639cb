#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora under Fuzz/corpus/<target>/ from the project's own test
data: the messages of Tests/SIPCoreTests/TestMessages.swift and the hostile messages of
Tests/EndToEndTests/TortureEndToEndTests.swift (rewritten here, not read from the tests), the
shipped YAML files under rules/, control API requests as the CLI sends them, and netlink
replies as the kernel sends them. Run from the package root; `make fuzz` does not need it
(the seeds are committed), rerun it after changing the list."""
import hashlib
import os
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "Fuzz", "corpus")


def write(target, data):
    if isinstance(data, str):
        data = data.encode()
    directory = os.path.join(CORPUS, target)
    os.makedirs(directory, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


def crlf(lines, body=""):
    return "\r\n".join(lines) + "\r\n\r\n" + body


REGISTER = [
    "REGISTER sip:example.com SIP/2.0",
    "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport",
    "Max-Forwards: 70",
    "To: \"Alice\" <sip:alice@example.com>",
    "From: \"Alice\" <sip:alice@example.com>;tag=1928301774",
    "Call-ID: a84b4c76e66710@pc33.example.com",
    "CSeq: 314159 REGISTER",
    "Contact: <sip:alice@192.0.2.10:5060;transport=udp>;expires=3600;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>\"",
    "User-Agent: TestPhone/1.0",
    "Content-Length: 0",
]
AUTH = ("Authorization: Digest username=\"alice\", realm=\"sipwarden\", nonce=\"AAAAAGZ1Y2sAAAAAAAAAAQ\", "
        "uri=\"sip:example.com\", response=\"6629fae49393a05397450978507c4ef1\", algorithm=MD5, "
        "cnonce=\"0a4f113b\", qop=auth, nc=00000001, opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"")
HEAD = ("Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKtorture\r\nMax-Forwards: 70\r\n"
        "From: <sip:t@127.0.0.1>;tag=1\r\nTo: <sip:t@127.0.0.1>\r\nCall-ID: torture\r\n")


def sip_messages():
    yield crlf(REGISTER)
    yield crlf(REGISTER[:-1] + [AUTH, "Content-Length: 0"])
    yield crlf(REGISTER[:-1] + ["Expires: 0", "Contact: *", "Content-Length: 0"])
    yield crlf([line.replace("Contact: <sip:alice@192.0.2.10:5060;transport=udp>;expires=3600;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>\"",
                             "m: <sip:alice@[2001:db8::1]:5070;transport=tcp>;q=0.7, \"Bob\" <sips:bob@host.example;ob>;expires=60")
                for line in REGISTER])
    yield crlf(["REGISTER sip:example.com SIP/2.0", "v: SIP/2.0/TCP 192.0.2.10;branch=z9hG4bKx;received=198.51.100.1;rport=4444",
                "f: <sip:a@example.com>;tag=x", "t: sip:a@example.com", "i: compact", "CSeq: 1 REGISTER",
                "Require: path, gruu", "Proxy-Require: foo", "l: 4"], "body")
    yield crlf(["OPTIONS sip:127.0.0.1:5060 SIP/2.0", "Via: SIP/2.0/UDP 127.0.0.1:6000;branch=z9hG4bKo", "Max-Forwards: 70",
                "From: <sip:ping@127.0.0.1>;tag=o", "To: <sip:127.0.0.1>", "Call-ID: ping", "CSeq: 7 OPTIONS",
                "User-Agent: friendly-scanner", "Content-Length: 0"])
    yield crlf(["SIP/2.0 200 OK", "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKk", "From: <sip:a@b>;tag=1",
                "To: <sip:a@b>;tag=2", "Call-ID: k", "CSeq: 1 OPTIONS", "Content-Length: 0"])
    yield crlf(["INVITE sip:bob@example.com;user=phone?subject=hi SIP/2.0", "Via: SIP/2.0/UDP h;branch=z9hG4bKi",
                "From: sip:%61lice@example.com;tag=1", "To: <sip:bob@example.com>", "Call-ID: i", "CSeq: 1 INVITE",
                "Content-Type: application/sdp", "Content-Length: 10"], "v=0\r\no=- 0")
    torture = [
        "REGISTER sip:127.0.0.1 SIP/2.0\r\n" + HEAD + "CSeq: 4294967296 REGISTER\r\nContent-Length: 0\r\n\r\n",
        "OPTIONS sip:127.0.0.1 SIP/2.0\r\n" + HEAD + "CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n",
        "OPTIONS sip:127.0.0.1 SIP/7.0\r\n" + HEAD + "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
        "OPTIONS sip:127.0.0.1 SIP/2.0\r\n" + HEAD + "CSeq: 1 OPTIONS\r\nContent-Length: -5\r\n\r\n",
        "OPTIONS sip:127.0.0.1 SIP/2.0\r\n" + HEAD + "Call-ID: second\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
        "REGISTER sip:127.0.0.1 SIP/2.0\r\n" + HEAD + "CSeq: 1 REGISTER\r\nContact: \"broken <sip:t@127.0.0.1>\r\nContent-Length: 0\r\n\r\n",
        "REGISTER sip:127.0.0.1 SIP/2.0\r\n" + HEAD + "CSeq: 1 REGISTER\r\nContact: *\r\nExpires: 60\r\nContent-Length: 0\r\n\r\n",
        "OPTIONS sip:127.0.0.1 SIP/2.0\r\nFrom: <sip:t@127.0.0.1>;tag=1\r\nTo: <sip:t@127.0.0.1>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n\r\n",
        "OPTIONS sip:127.0.0.1 SIP/2.0\r\n" + HEAD + "CSeq: 1 OPTIONS\r\nNoColonHere\r\nContent-Length: 0\r\n\r\n",
        "OPTIONS sip:127.0.0.1 SIP/2.0\r\n" + HEAD + "CSeq: 1 OPTIONS\r\nX-Big: " + "a" * 2000 + "\r\nContent-Length: 0\r\n\r\n",
        "OPTIONS nobody:opaque SIP/2.0\r\n" + HEAD + "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
        "OPTIONS  sip:127.0.0.1 SIP/2.0 \r\n" + HEAD + "CSeq: 1 OPTIONS\r\n\r\n",
        "OPTIONS <sip:127.0.0.1> SIP/2.0\r\n" + HEAD + "CSeq: 1 OPTIONS\r\n\r\n",
        "REGISTER sip:127.0.0.1 SIP/2.0\n" + HEAD.replace("\r\n", "\n") + "CSeq: 1 REGISTER\nExpires: 99999999999\n\n",
    ]
    yield from torture
    yield bytes((i * 37) % 256 for i in range(600))
    yield "\r\n\r\n\r\n\r\n"


def digest_values():
    yield ("Digest username=\"Mufasa\", realm=\"testrealm@host.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
           "uri=\"/dir/index.html\", qop=auth, nc=00000001, cnonce=\"0a4f113b\", response=\"6629fae49393a05397450978507c4ef1\", "
           "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"")
    yield "Digest username=bob, realm=example.com, nonce=abc, uri=sip:example.com;transport=udp, response=0123"
    yield "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\", algorithm=MD5-sess"
    yield "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\", algorithm=SHA-256, nc=0000000g"
    yield "Digest username=\"unterminated, realm=\"r\""
    yield "Digest username=\"a\\\"b\\\\c\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\", username=\"b\""
    yield "Digest realm=\"example.com\", nonce=\"abc-_123\", opaque=\"op\", algorithm=MD5, qop=\"auth\""
    yield "Digest realm=\"example.com\", nonce=\"n\", algorithm=SHA-256, qop=\"auth,auth-int\", stale=true"
    yield "Basic dXNlcjpwYXNz"
    yield "Digest =x, username"


def yaml_files(directory):
    for name in sorted(os.listdir(directory)):
        if name.endswith(".yaml"):
            with open(os.path.join(directory, name), "rb") as f:
                yield f.read()


def config_texts():
    with open(os.path.join(ROOT, "rules", "sipwarden.example.yaml"), "rb") as f:
        yield f.read()
    yield "listen: [udp:127.0.0.1:5060, \"tcp:[::1]:5061\"]\ndata_dir: /tmp/x\nlog_level: debug\n"
    yield ("registrar:\n  default_expires: 3600\n  min_expires: 60\n  max_expires: 7200\n  max_bindings_per_aor: 10\n"
           "  when_full: reject\n  force_rport: false\n  server_header: \"\"\n  expired_retention: 0\n"
           "auth:\n  realm: r\n  required: true\n  nonce_lifetime: 300\n  challenge_algorithms: [SHA-256, MD5]\n")
    yield ("transport:\n  max_message_size: 65536\n  tcp_idle_timeout: 600\n  transaction_lifetime: 32\n"
           "store:\n  durability: normal\n  sweep_interval: 1\nkeepalive:\n  enabled: true\n  interval: 30\n"
           "  max_misses: 3\n  remove_after: 0\n  targets: all\n")
    yield ("firewall: nftables\nnftables:\n  ports: [5060, 5061]\n  all_ports: false\n  check_interval: 30\n"
           "  remove_table_on_stop: true\ntrusted: [10.0.0.0/8, \"2001:db8::/32\"]\n"
           "metrics:\n  listen: 127.0.0.1:9478\n  allow_non_loopback: false\n"
           "control:\n  group: sipwarden\n  tcp_listen: 127.0.0.1:9479\n  token_file: /etc/sipwarden/token\n  allow_non_loopback: false\n")
    yield "registrar: {min_expires: 100, max_expires: 50}\n"
    yield "listen: udp:0.0.0.0:99999\nunknown_key: 1\n"
    yield "&a [*a]\n"


def policy_texts():
    yield from yaml_files(os.path.join(ROOT, "rules", "policies"))
    yield "plugin: exec\nenabled: true\ncommand: [/usr/bin/env, python3, -u, /etc/sipwarden/hook.py]\nqueue: 100\nsettings:\n  kinds: [auth.failed]\n"
    yield "plugin: bruteforce\nenabled: false\nsettings:\n  nested: {a: [1, 2.5, true, null, \"x\"]}\n  big: 99999999999999999999\n"


def control_requests():
    yield "GET /v1/health\n"
    yield "GET /v1/registrations?number=10*&ip=10.0.0.0%2F8&account=acme&status=all&ua=Yealink&nat=true&sort=-expires\n"
    yield "GET /v1/registrations/sip%3A1001%40example.com\n"
    yield "POST /v1/registrations/unregister\n{\"aor\":\"sip:1001@example.com\",\"contact\":\"sip:1001@10.0.0.5:5060\",\"dry_run\":true}"
    yield "POST /v1/registrations/unregister\n{\"ip\":\"10.0.0.0/8\"}"
    yield ("POST /v1/subscribers\n{\"username\":\"1001\",\"password\":\"s3cret\",\"domain\":\"example.com\","
           "\"display_name\":\"Front desk\",\"account\":\"acme\",\"auth_mode\":\"password+ip\"}")
    yield "POST /v1/subscribers/import\n{\"entries\":[{\"username\":\"1\",\"password\":\"p\"},{\"username\":\"2\",\"password\":\"q\",\"domain\":\"d\"}]}"
    yield "PATCH /v1/subscribers/1001?domain=example.com\n{\"display_name\":\"x\",\"auth_mode\":\"ip\"}"
    yield "PUT /v1/subscribers/1001/password\n{\"password\":\"new-one\"}"
    yield "DELETE /v1/subscribers/1001?domain=example.com\n"
    yield "POST /v1/allowed\n{\"username\":\"1001\",\"cidr\":\"192.0.2.0/24\",\"port\":5060}"
    yield "POST /v1/trusted\n{\"cidr\":\"2001:db8::/32\"}"
    yield "POST /v1/bans\n{\"target\":\"203.0.113.7\",\"seconds\":900,\"reason\":\"fuzz\",\"source\":\"operator\"}"
    yield "POST /v1/bans\n{\"target\":\"203.0.113.0/24\",\"seconds\":-1,\"reason\":\"\"}"
    yield "DELETE /v1/bans/203.0.113.0/24\n"
    yield "GET /v1/bans/2001:db8::1/why\n"
    yield "POST /v1/plugins/reload\n"
    yield "GET /v1/%zz\n"
    yield "DELETE /v1/allowed?user=1001&cidr=192.0.2.0%2F24&domain=d\n"
    yield "DELETE /v1/trusted?cidr=10.0.0.0/8\n"
    yield "GET /v1/stats\n"
    yield "PUT /v1/bans\n[1,2,{\"a\":\"\\u0000\"}]"


def netlink_replies():
    NLMSG_ERROR, NLMSG_DONE, NLMSG_NOOP = 2, 3, 1
    NLM_F_CAPPED, NLM_F_ACK_TLVS = 0x100, 0x200

    def message(kind, flags, seq, body):
        length = 16 + len(body)
        return struct.pack("<IHHII", length, kind, flags, seq, 0) + body + b"\0" * ((-length) % 4)

    def attribute(kind, value):
        length = 4 + len(value)
        return struct.pack("<HH", length, kind) + value + b"\0" * ((-length) % 4)

    original = struct.pack("<IHHII", 32, (10 << 8) | 12, 5, 7, 0)
    ack = message(NLMSG_ERROR, 0, 7, struct.pack("<i", 0) + original)
    yield ack
    yield message(NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS, 9, struct.pack("<i", -17) + original
                  + attribute(1, b"Could not process rule: File exists\0") + attribute(2, struct.pack("<I", 20)))
    yield message(NLMSG_ERROR, NLM_F_ACK_TLVS, 9, struct.pack("<i", -22) + original + b"\0" * 16
                  + attribute(2, struct.pack("<I", 44)))
    data = message((10 << 8) | 13, 2, 11, struct.pack("<BBH", 1, 0, 0) + attribute(1, b"sipwarden\0") + attribute(2, b"ban4\0"))
    yield data + data + message(NLMSG_DONE, 2, 11, struct.pack("<i", 0))
    yield message(NLMSG_NOOP, 0, 1, b"") + ack
    yield struct.pack("<IHHII", 8, NLMSG_ERROR, 0, 1, 0)
    yield struct.pack("<IHHII", 0xFFFFFFF0, NLMSG_ERROR, 0, 1, 0)


def framer_streams():
    # First byte: chunk size (low 6 bits) and small-limit flag (high bit); then a TCP stream.
    messages = [m if isinstance(m, bytes) else m.encode() for m in sip_messages()]
    yield b"\x07" + messages[0] + b"\r\n\r\n" + messages[1]
    yield b"\x00" + b"\r\n\r\n" * 3 + messages[5] + b"\r\n"
    yield b"\x3f" + b"".join(messages[:4])
    yield b"\x85" + messages[7] + messages[0]
    yield b"\x01" + b"OPTIONS sip:a SIP/2.0\r\nContent-Length: 99999999\r\n\r\n"
    yield b"\x02" + b"OPTIONS sip:a SIP/2.0\r\nl: 3\r\nContent-Length: 4\r\n\r\nabcd"


def main():
    for message in sip_messages():
        write("sip-parser", message)
    for stream in framer_streams():
        write("sip-framer", stream)
    for value in digest_values():
        write("digest", value)
    for text in config_texts():
        write("config", text)
    for text in policy_texts():
        write("policy-file", text)
    for request in control_requests():
        write("control-request", request)
    for reply in netlink_replies():
        write("netlink-reply", reply)
    return 0


if __name__ == "__main__":
    sys.exit(main())
