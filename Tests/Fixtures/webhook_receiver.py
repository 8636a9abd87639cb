#!/usr/bin/env python3
"""A webhook receiver for the end-to-end tests: listens on 127.0.0.1 (a free port), writes
that port to PORT_FILE, and appends the body of each POST as one line to BODIES_FILE,
answering 204. Runs until killed.

    webhook_receiver.py PORT_FILE BODIES_FILE
"""
import http.server
import sys

port_file, bodies_file = sys.argv[1], sys.argv[2]


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with open(bodies_file, "ab") as out:
            out.write(body.replace(b"\n", b" ") + b"\n")
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
with open(port_file + ".tmp", "w") as out:
    out.write(str(server.server_address[1]))
import os
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
