# This file is part of the KZ Investment Platform.
"""A real OpenID Connect provider for the tests of the eGov sign-in: the
authorization server of Authlib in a small Flask application, on
127.0.0.1, with an RSA key generated at start.

It serves the discovery document, the JWKS, an authorization page where
the person types his IIN (the eGov login page stands for it), and the
token endpoint (authorization code with PKCE S256 required, client secret
basic).  The ID token carries the IIN in the ``iin`` claim and is signed
with the key of the JWKS, unless a test asks for another key
(``sign_with_unknown_key``)."""
import contextlib
import secrets
import threading
import time

import flask
from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import (
    AuthorizationCodeMixin, ClientMixin, TokenMixin)
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

CLIENT_ID = 'kz-platform'
CLIENT_SECRET = 'kz-platform-secret'

PAGE = '''<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>eGov IDP (test)</title></head>
<body><h1>eGov IDP (test)</h1>
<form method="post">
<label for="iin">IIN</label> <input id="iin" name="iin">
<button type="submit" name="action" value="allow">Sign in</button>
<button type="submit" name="action" value="deny">Cancel</button>
</form></body></html>'''


class Client(ClientMixin):

    def __init__(self, client_id, secret):
        self.client_id = client_id
        self.secret = secret

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return None

    def get_allowed_scope(self, scope):
        return ' '.join(
            s for s in (scope or '').split() if s in {'openid', 'profile'})

    def check_redirect_uri(self, redirect_uri):
        # Any callback of a platform on this machine
        return redirect_uri.startswith('http://127.0.0.1:')

    def check_client_secret(self, client_secret):
        return secrets.compare_digest(client_secret, self.secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return method in {'client_secret_basic', 'client_secret_post'}

    def check_response_type(self, response_type):
        return response_type == 'code'

    def check_grant_type(self, grant_type):
        return grant_type == 'authorization_code'


class Code(AuthorizationCodeMixin):

    def __init__(self, **values):
        self.__dict__.update(values)
        self.auth_time = int(time.time())

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time

    def get_acr(self):
        return None

    def get_amr(self):
        return None


class Token(TokenMixin):

    def __init__(self, values):
        self.values = values

    def check_client(self, client):
        return True

    def get_scope(self):
        return self.values.get('scope')

    def get_expires_in(self):
        return self.values.get('expires_in', 0)

    def is_expired(self):
        return False

    def is_revoked(self):
        return False


class Provider:
    "The provider's state; run() serves it on 127.0.0.1"

    def __init__(self):
        self.key = RSAKey.generate_key(2048, parameters={
                'kid': 'egov-test', 'use': 'sig', 'alg': 'RS256'})
        self.other_key = RSAKey.generate_key(2048, parameters={
                'kid': 'egov-test', 'use': 'sig', 'alg': 'RS256'})
        self.clients = {CLIENT_ID: Client(CLIENT_ID, CLIENT_SECRET)}
        self.codes = {}
        self.nonces = set()
        self.tokens = []
        # Tests flip these to make the provider misbehave
        self.sign_with_unknown_key = False
        self.issuer_claim = None
        self.issuer = None
        self.app = self._app()

    def _app(self):
        provider = self
        app = flask.Flask(__name__)
        app.config['OAUTH2_SCOPES_SUPPORTED'] = ['openid', 'profile']

        class Grant(AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = [
                'client_secret_basic', 'client_secret_post']

            def save_authorization_code(self, code, request):
                payload = request.payload
                provider.codes[code] = Code(
                    code=code,
                    client_id=request.client.get_client_id(),
                    redirect_uri=payload.redirect_uri,
                    scope=request.scope,
                    nonce=payload.data.get('nonce'),
                    code_challenge=payload.data.get('code_challenge'),
                    code_challenge_method=payload.data.get(
                        'code_challenge_method'),
                    iin=request.user)

            def query_authorization_code(self, code, client):
                item = provider.codes.get(code)
                if item and item.client_id == client.get_client_id():
                    return item

            def delete_authorization_code(self, authorization_code):
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code):
                return authorization_code.iin

        class OpenID(OpenIDCode):

            def exists_nonce(self, nonce, request):
                return nonce in provider.nonces

            def resolve_client_private_key(self, client):
                if provider.sign_with_unknown_key:
                    return provider.other_key
                return provider.key

            def get_client_algorithm(self, client):
                return 'RS256'

            def get_encode_header(self, client):
                return {'alg': 'RS256', 'kid': 'egov-test'}

            def get_client_claims(self, client):
                return {
                    'iss': provider.issuer_claim or provider.issuer,
                    'exp': int(time.time()) + 600,
                    }

            def generate_user_info(self, user, scope):
                return UserInfo(sub=f'egov-{user}', iin=user)

        def query_client(client_id):
            return provider.clients.get(client_id)

        def save_token(token, request):
            provider.tokens.append(Token(token))

        server = AuthorizationServer(
            app, query_client=query_client, save_token=save_token)
        server.register_grant(
            Grant, [CodeChallenge(required=True), OpenID(require_nonce=True)])

        @app.route('/.well-known/openid-configuration')
        def discovery():
            issuer = provider.issuer
            return flask.jsonify({
                    'issuer': issuer,
                    'authorization_endpoint': issuer + '/authorize',
                    'token_endpoint': issuer + '/token',
                    'jwks_uri': issuer + '/jwks',
                    'response_types_supported': ['code'],
                    'subject_types_supported': ['public'],
                    'id_token_signing_alg_values_supported': ['RS256'],
                    'code_challenge_methods_supported': ['S256'],
                    'token_endpoint_auth_methods_supported': [
                        'client_secret_basic', 'client_secret_post'],
                    'scopes_supported': ['openid', 'profile'],
                    'claims_supported': ['sub', 'iss', 'aud', 'iin'],
                    })

        @app.route('/jwks')
        def jwks():
            return flask.jsonify({'keys': [provider.key.as_dict()]})

        @app.route('/authorize', methods=['GET', 'POST'])
        def authorize():
            if flask.request.method == 'GET':
                try:
                    server.get_consent_grant(end_user=None)
                except Exception as error:
                    return str(error), 400
                return PAGE
            iin = flask.request.form.get('iin', '').strip() or None
            if flask.request.form.get('action') != 'allow':
                iin = None  # denied
            grant = server.get_consent_grant(end_user=iin)
            response = server.create_authorization_response(
                grant=grant, grant_user=iin)
            nonce = flask.request.args.get('nonce')
            if nonce:
                provider.nonces.add(nonce)
            return response

        @app.route('/token', methods=['POST'])
        def token():
            return server.create_token_response()

        return app

    @contextlib.contextmanager
    def run(self):
        "Serve on a free port of 127.0.0.1; yield the issuer URL"
        server = make_server('127.0.0.1', 0, self.app, threaded=True)
        self.issuer = f'http://127.0.0.1:{server.server_port}'
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self.issuer
        finally:
            server.shutdown()
            thread.join(10)


def server_env(issuer):
    "The trytond settings ([kz_oidc]) of a platform using the provider"
    return {
        'TRYTOND_KZ_OIDC__ISSUER': issuer,
        'TRYTOND_KZ_OIDC__CLIENT_ID': CLIENT_ID,
        'TRYTOND_KZ_OIDC__CLIENT_SECRET': CLIENT_SECRET,
        'TRYTOND_KZ_OIDC__SCOPE': 'openid profile',
        }
