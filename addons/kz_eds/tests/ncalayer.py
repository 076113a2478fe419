# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""A local NCALayer for the tests: a WebSocket server speaking NCALayer's
protocol (module kz.gov.pki.knca.basics, method sign, format cms) that
signs for real with the key of a test user.

    with FakeNCALayer(pki.valid) as ncalayer:
        ncalayer.url          # ws://127.0.0.1:PORT/
        ncalayer.user = pki.revoked
        ncalayer.requests     # the requests received
"""
import asyncio
import base64
import json
import threading

from websockets.asyncio.server import serve


class FakeNCALayer:

    def __init__(self, user, version='1.4'):
        self.user = user
        self.version = version
        self.requests = []
        self.url = None
        self._loop = None
        self._thread = None
        self._stop = None

    async def _handle(self, connection):
        # NCALayer greets with its version on connection
        await connection.send(json.dumps(
                {'result': {'version': self.version}}))
        async for message in connection:
            request = json.loads(message)
            self.requests.append(request)
            await connection.send(json.dumps(self.answer(request)))

    def answer(self, request):
        if (request.get('module') != 'kz.gov.pki.knca.basics'
                or request.get('method') != 'sign'):
            return {'status': False, 'code': 'UNKNOWN_METHOD',
                'message': 'unknown method', 'body': {}}
        args = request.get('args') or {}
        if args.get('format') != 'cms':
            return {'status': False, 'code': 'UNSUPPORTED_FORMAT',
                'message': 'only cms here', 'body': {}}
        if self.user is None:
            return {'status': False, 'code': 'USER_CANCELLED',
                'message': 'cancelled', 'body': {}}
        data = args.get('data') or ''
        params = args.get('signingParams') or {}
        content = base64.b64decode(data) if params.get('decode') else (
            data.encode())
        signature = self.user.sign(
            content, detached=not params.get('encapsulate', True))
        return {'status': True, 'body': {
                'result': [base64.b64encode(signature).decode()]}}

    async def _serve(self, ready):
        self._stop = asyncio.Event()
        async with serve(self._handle, '127.0.0.1', 0) as server:
            port = server.sockets[0].getsockname()[1]
            self.url = f'ws://127.0.0.1:{port}/'
            ready.set()
            await self._stop.wait()

    def __enter__(self):
        ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_until_complete,
            args=(self._serve(ready),), daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the test NCALayer did not start")
        return self

    def __exit__(self, *exc):
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)
        self._loop.close()
