# This file is part of the KZ Investment Platform.
"""A small JSON-RPC client for benchmarks and load tests (127.0.0.1 only)."""
import base64
import json
import time
import urllib.error
import urllib.parse
import urllib.request


class RPCError(Exception):
    pass


def check_local(url):
    host = urllib.parse.urlsplit(url).hostname
    if host not in {'127.0.0.1', 'localhost', '::1'}:
        raise SystemExit(f"refusing to send traffic to {host}: loopback only")


class Client:
    def __init__(self, url, database, timeout=60):
        check_local(url)
        self.url = url.rstrip('/') + f'/{database}/rpc/'
        self.timeout = timeout
        self.auth = None
        self._id = 0

    def _post(self, method, params):
        self._id += 1
        body = json.dumps(
            {'id': self._id, 'method': method, 'params': params}).encode()
        request = urllib.request.Request(self.url, data=body, headers={
                'Content-Type': 'application/json'})
        if self.auth:
            request.add_header('Authorization', self.auth)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as r:
                response = json.loads(r.read())
        except urllib.error.HTTPError as e:
            raise RPCError(f"HTTP {e.code}") from e
        if response.get('error'):
            raise RPCError(response['error'])
        return response['result']

    def login(self, login, password):
        user_id, session, _ = self._post(
            'common.db.login', [login, {'password': password}, 'en'])
        token = f'{login}:{user_id}:{session}'.encode()
        self.auth = 'Session ' + base64.b64encode(token).decode()
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
