#!/usr/bin/env python3
"""Sends SIP over UDP from a chosen source address and reports what came back, for tests that
run it inside a network namespace (ip netns exec NS python3 sip_probe.py ...).

  sip_probe.py options SRC DST PORT
      one OPTIONS; prints "REPLY <status code>" or "NOREPLY"
  sip_probe.py guess SRC DST PORT USER COUNT [PAUSE]
      COUNT password guesses, PAUSE seconds apart (default 0): REGISTER, then REGISTER with a
      digest made from a wrong password; prints "ATTEMPT <n> <status code>|NOREPLY" per guess
"""
import hashlib
import random
import re
import socket
import sys
import time


def exchange(sock, dst, port, text, timeout=1.0):
    sock.sendto(text.encode(), (dst, port))
    sock.settimeout(timeout)
    try:
        data, _ = sock.recvfrom(65535)
    except socket.timeout:
        return None
    return data.decode(errors="replace")


def status(reply):
    return reply.split(" ", 2)[1] if reply else "NOREPLY"


def request(method, src, sport, dst, port, user, call_id, cseq, extra=""):
    branch = "z9hG4bK%x" % random.randrange(1 << 48)
    return (
        f"{method} sip:{dst}:{port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP {src}:{sport};branch={branch};rport\r\n"
        "Max-Forwards: 70\r\n"
        f"From: <sip:{user}@{dst}>;tag={random.randrange(1 << 32):x}\r\n"
        f"To: <sip:{user}@{dst}>\r\n"
        f"Call-ID: {call_id}\r\n"
        f"CSeq: {cseq} {method}\r\n"
        f"Contact: <sip:{user}@{src}:{sport}>\r\n"
        "User-Agent: sip_probe\r\n"
        f"{extra}Content-Length: 0\r\n\r\n"
    )


def digest(user, realm, password, method, uri, nonce):
    md5 = lambda text: hashlib.md5(text.encode()).hexdigest()
    response = md5(f"{md5(f'{user}:{realm}:{password}')}:{nonce}:{md5(f'{method}:{uri}')}")
    return (f'Authorization: Digest username="{user}", realm="{realm}", nonce="{nonce}", '
            f'uri="{uri}", response="{response}", algorithm=MD5\r\n')


def main():
    mode, src, dst, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((src, 0))
    sport = sock.getsockname()[1]
    if mode == "options":
        call_id = "%x@probe" % random.randrange(1 << 48)
        reply = exchange(sock, dst, port, request("OPTIONS", src, sport, dst, port, "probe", call_id, 1))
        print("REPLY " + status(reply) if reply else "NOREPLY", flush=True)
    elif mode == "guess":
        user, count = sys.argv[5], int(sys.argv[6])
        pause = float(sys.argv[7]) if len(sys.argv) > 7 else 0.0
        uri = f"sip:{dst}:{port}"
        for attempt in range(1, count + 1):
            call_id = "%x@guess" % random.randrange(1 << 48)
            challenge = exchange(sock, dst, port, request("REGISTER", src, sport, dst, port, user, call_id, 1))
            realm = re.search(r'realm="([^"]*)"', challenge or "")
            nonce = re.search(r'nonce="([^"]*)"', challenge or "")
            if not realm or not nonce:
                print(f"ATTEMPT {attempt} {status(challenge)}", flush=True)
                continue
            realm, nonce = realm.group(1), nonce.group(1)
            answer = exchange(sock, dst, port, request(
                "REGISTER", src, sport, dst, port, user, call_id, 2,
                digest(user, realm, "wrong-%d" % attempt, "REGISTER", uri, nonce)))
            print(f"ATTEMPT {attempt} {status(answer)}", flush=True)
            time.sleep(pause)
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
