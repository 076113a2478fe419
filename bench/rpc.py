# This file is part of the KZ Investment Platform.
"""A small JSON-RPC client for benchmarks and load tests (127.0.0.1 only)."""
import argparse
import base64
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request


class RPCError(Exception):
    """A refused call: args[0] is the error of the reply, or 'HTTP <status>'
    for an HTTP error; code is the HTTP status (200 for an error reply)"""

    def __init__(self, error, code=200):
        super().__init__(error)
        self.error = error
        self.code = code


def check_local(url):
    host = urllib.parse.urlsplit(url).hostname
    if host not in {'127.0.0.1', 'localhost', '::1'}:
        raise SystemExit(f"refusing to send traffic to {host}: loopback only")


def server_arguments(description):
    "An argument parser with the server, database and login of a bench"
    parser = argparse.ArgumentParser(description=description,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--url', default='http://127.0.0.1:8000')
    parser.add_argument('--database', default='kz')
    parser.add_argument('--login', default='admin')
    parser.add_argument('--password', default=os.environ.get('KZ_ADMIN_PASSWORD', 'kz-admin-2026'))
    return parser


class Client:
    "A JSON-RPC session; headers are added to every request"

    def __init__(self, url, database, timeout=60, headers=None):
        check_local(url)
        self.url = url.rstrip('/') + f'/{database}/rpc/'
        self.timeout = timeout
        self.headers = {'Content-Type': 'application/json', **(headers or {})}
        self.auth = None
        self.user_id = None
        self._id = 0

    def reply(self, method, *params):
        """Return the decoded reply, with its 'result' or its 'error'; an
        HTTP error as {'error': ['HTTP <status>', body], 'status': status}"""
        self._id += 1
        body = json.dumps(
            {'id': self._id, 'method': method, 'params': list(params)}
            ).encode()
        request = urllib.request.Request(
            self.url, data=body, headers=self.headers)
        if self.auth:
            request.add_header('Authorization', self.auth)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as r:
                return json.loads(r.read())
        except urllib.error.HTTPError as e:
            return {'error': [f'HTTP {e.code}', e.read().decode()],
                'status': e.code}

    def _post(self, method, params):
        response = self.reply(method, *params)
        if 'status' in response:
            raise RPCError(f"HTTP {response['status']}",
                code=response['status'])
        if response.get('error'):
            raise RPCError(response['error'])
        return response['result']

    def login(self, login, password):
        user_id, session, _ = self._post(
            'common.db.login', [login, {'password': password}, 'en'])
        token = f'{login}:{user_id}:{session}'.encode()
        self.auth = 'Session ' + base64.b64encode(token).decode()
        self.user_id = user_id
        return user_id

    def call(self, method, *params):
        return self._post(method, list(params))


def percentile(values, q):
    if not values:
        return float('nan')
    values = sorted(values)
    k = (len(values) - 1) * q
    low = int(k)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (k - low)


def timed(func, *args):
    start = time.perf_counter()
    func(*args)
    return time.perf_counter() - start
