# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Sign-in with the eGov identity provider: OpenID Connect authorization
code flow with PKCE (Authlib).

sao lists the service on its login dialog (trytond's
register_authentication_service) and opens /<db>/oidc/login in a popup
with the address to come back to (``next``).  That route remembers a
state, a nonce and a PKCE verifier and sends the browser to the provider;
/<db>/oidc/callback exchanges the code, validates the ID token (signature
against the provider's JWKS, issuer, audience, expiry, nonce), finds the
user by the IIN claim and opens a Tryton session as trytond's SAML sign-in
does: session cookie and a redirection to ``next`` with the login and user
id, which sao stores before closing the popup.

Every refusal is a translated page and counts as a failed login of the
source address (kz_base's throttle)."""
import html
import logging
import secrets
import time
import urllib.parse
from http import HTTPStatus

from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry
from werkzeug.utils import redirect

from trytond import config
from trytond.i18n import gettext
from trytond.protocols.dispatcher import register_authentication_service
from trytond.protocols.wrappers import (
    Response, abort, add_auth_cookies, with_pool, with_transaction)
from trytond.transaction import Transaction
from trytond.wsgi import app

logger = logging.getLogger(__name__)

SECTION = 'kz_oidc'
STATE_COOKIE = 'kz_oidc_state'
LANGUAGES = ['ru', 'kk', 'en']
# Seconds the provider's discovery document and keys are kept
METADATA_TTL = 300
_METADATA = {}


def setting(name, default=None):
    return config.get(SECTION, name, default=default)


def configured():
    return bool(setting('issuer') and setting('client_id'))


if configured():
    # The label is translated by sao (sao/custom.js, sao/locale)
    register_authentication_service(
        setting('name', default="Sign in with eGov"), '/oidc/login')


def timeout():
    return config.getfloat(SECTION, 'timeout', default=10)


def http_session():
    import requests
    session = requests.Session()
    session.verify = setting('ca_bundle') or True
    return session


def metadata(force=False):
    """Return the provider's discovery document with its key set, read
    again after METADATA_TTL or when forced (a key the set lacks)"""
    issuer = setting('issuer')
    cached = _METADATA.get(issuer)
    if cached and not force and cached[0] > time.monotonic():
        return cached[1]
    session = http_session()
    url = issuer.rstrip('/') + '/.well-known/openid-configuration'
    response = session.get(url, timeout=timeout())
    response.raise_for_status()
    document = response.json()
    if document.get('issuer') != issuer:
        raise ValueError(
            f"the discovery document of {issuer} names another issuer")
    response = session.get(document['jwks_uri'], timeout=timeout())
    response.raise_for_status()
    document['jwks'] = response.json()
    _METADATA[issuer] = (time.monotonic() + METADATA_TTL, document)
    return document


def oauth_client(redirect_uri):
    client = OAuth2Session(
        setting('client_id'), setting('client_secret'),
        scope=setting('scope', default='openid'),
        redirect_uri=redirect_uri,
        token_endpoint_auth_method=setting(
            'token_endpoint_auth_method', default='client_secret_basic'),
        code_challenge_method='S256')
    # A private CA of the provider (else the system's)
    client.verify = setting('ca_bundle') or True
    return client


def redirect_uri(request, database_name):
    uri = setting('redirect_uri')
    if uri:
        return uri.replace('{database}', urllib.parse.quote(database_name))
    return request.host_url + urllib.parse.quote(database_name) \
        + '/oidc/callback'


def next_url(request):
    "The address to go back to: sao on this server only"
    url = request.args.get('next', '')
    if not url.startswith(request.host_url):
        url = request.host_url
    return url


def validate_id_token(token, nonce):
    """Return the claims of the token's ID token: signed by a key of the
    provider's JWKS, issued by the configured issuer to this client, not
    expired, for this nonce"""
    document = metadata()
    if 'id_token' not in token:
        raise ValueError("no ID token")
    algorithms = document.get('id_token_signing_alg_values_supported')
    registry = JWSRegistry(algorithms=algorithms)
    try:
        decoded = jwt.decode(
            token['id_token'], KeySet.import_key_set(document['jwks']),
            registry=registry)
    except JoseError:
        # The provider may have rolled its keys over
        document = metadata(force=True)
        decoded = jwt.decode(
            token['id_token'], KeySet.import_key_set(document['jwks']),
            registry=registry)
    client_id = setting('client_id')
    claims = CodeIDToken(decoded.claims, decoded.header, {
            'iss': {'essential': True, 'value': setting('issuer')},
            'aud': {'essential': True, 'value': client_id},
            }, {
            'nonce': nonce,
            'client_id': client_id,
            'access_token': token.get('access_token'),
            })
    claims.validate(leeway=config.getint(SECTION, 'leeway', default=60))
    return claims


def language(request):
    return request.accept_languages.best_match(LANGUAGES) or config.get(
        'database', 'language', default='en')


def refusal(request, message_id, status=HTTPStatus.FORBIDDEN, **variables):
    "Return the translated page of a refused sign-in"
    with Transaction().set_context(language=language(request)):
        title = gettext('kz_egov_idp.msg_refused_title')
        message = gettext(f'kz_egov_idp.{message_id}', **variables)
        close = gettext('kz_egov_idp.msg_close')
    body = (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f'<title>{html.escape(title)}</title></head><body>'
        f'<h1>{html.escape(title)}</h1>'
        f'<p id="kz-oidc-error">{html.escape(message)}</p>'
        f'<button type="button" onclick="window.close()">'
        f'{html.escape(close)}</button></body></html>')
    response = Response(body, status=status,
        content_type='text/html; charset=utf-8')
    response.headers['Cache-Control'] = 'no-store'
    return response


def _authorization_model(pool):
    """Return the model of the pending sign-ins, or answer 404 where eGov
    sign-in is not configured or kz_egov_idp not activated"""
    if not configured():
        abort(HTTPStatus.NOT_FOUND)
    try:
        return pool.get('kz.egov_idp.authorization')
    except KeyError:
        abort(HTTPStatus.NOT_FOUND)


def _state_cookie_path(database_name):
    return f'/{database_name}/oidc'


@app.route('/<database_name>/oidc/login', methods={'GET'})
@with_pool
@with_transaction(readonly=False)
def login(request, pool):
    "Send the browser to the identity provider"
    Authorization = _authorization_model(pool)
    database_name = pool.database_name
    try:
        document = metadata()
    except Exception:
        logger.error("eGov IDP discovery failed", exc_info=True)
        return refusal(request, 'msg_provider_unreachable',
            status=HTTPStatus.BAD_GATEWAY)
    Authorization.purge()
    state = generate_token(32)
    nonce = generate_token(32)
    code_verifier = generate_token(64)
    Authorization.create([{
                'state': state,
                'nonce': nonce,
                'code_verifier': code_verifier,
                'next_url': next_url(request),
                }])
    client = oauth_client(redirect_uri(request, database_name))
    url, _ = client.create_authorization_url(
        document['authorization_endpoint'], state=state, nonce=nonce,
        code_verifier=code_verifier)
    response = redirect(url, HTTPStatus.FOUND)
    # The state is bound to this browser: a callback carrying a state
    # started elsewhere is refused.  Lax: the provider's redirection is a
    # top-level navigation from another site.
    response.set_cookie(STATE_COOKIE, state,
        max_age=int(Authorization.LIFETIME.total_seconds()),
        path=_state_cookie_path(database_name), httponly=True,
        secure=request.scheme == 'https', samesite='Lax')
    response.headers['Cache-Control'] = 'no-store'
    return response


@app.route('/<database_name>/oidc/callback', methods={'GET'})
@with_pool
@with_transaction(readonly=False)
def callback(request, pool):
    "Finish the sign-in the provider sends back"
    Authorization = _authorization_model(pool)
    User = pool.get('res.user')
    LoginAttempt = pool.get('res.user.login.attempt')
    Session = pool.get('ir.session')
    database_name = pool.database_name
    login = None

    def refuse(message_id, **variables):
        # Counts like a wrong password of the source address
        LoginAttempt.add(login or 'eGov IDP')
        logger.info("eGov IDP sign-in refused (%s) for %r from %s",
            message_id, login, request.remote_addr)
        response = refusal(request, message_id, **variables)
        response.delete_cookie(
            STATE_COOKIE, path=_state_cookie_path(database_name))
        return response

    if LoginAttempt.kz_count_address() > User.kz_max_attempt_address():
        LoginAttempt.add('eGov IDP')
        return refusal(request, 'msg_too_many_attempts',
            status=HTTPStatus.TOO_MANY_REQUESTS)

    state = request.args.get('state')
    cookie_state = request.cookies.get(STATE_COOKIE)
    authorization = Authorization.pop(state)
    if (not authorization or not cookie_state
            or not secrets.compare_digest(cookie_state, state)):
        return refuse('msg_wrong_state')
    if request.args.get('error'):
        # Cancelled or refused at the provider: not an attempt
        return refusal(request, 'msg_provider_refused',
            error=request.args.get('error_description')
            or request.args['error'])
    code = request.args.get('code')
    if not code:
        return refuse('msg_wrong_state')

    try:
        document = metadata()
        client = oauth_client(redirect_uri(request, database_name))
        token = client.fetch_token(
            document['token_endpoint'], grant_type='authorization_code',
            code=code, code_verifier=authorization['code_verifier'],
            timeout=timeout())
    except Exception:
        logger.warning("eGov IDP code exchange failed", exc_info=True)
        return refuse('msg_token_refused')
    try:
        claims = validate_id_token(token, authorization['nonce'])
    except Exception as exception:
        logger.warning("eGov IDP ID token refused: %s", exception)
        if 'nonce' in str(exception):
            return refuse('msg_wrong_nonce')
        return refuse('msg_token_invalid')

    iin = str(claims.get(setting('iin_claim', default='iin')) or '')
    login = iin or None
    if not iin:
        return refuse('msg_no_iin')
    user = User.kz_from_iin(iin)
    if not user:
        return refuse('msg_unknown_iin', iin=iin)

    with Transaction().set_user(user.id):
        key = Session.new()
    logger.info("eGov IDP sign-in of '%s' from '%s' on database '%s'",
        user.login, request.remote_addr, database_name)

    allow_subscribe = config.getboolean(
        'bus', 'allow_subscribe', default=False)
    bus_url_host = config.get('bus', 'url_host', default=request.host_url)
    parts = urllib.parse.urlsplit(authorization['next_url'])
    query = urllib.parse.parse_qsl(parts.query)
    if 'login_service' not in dict(query):
        query.append(('login_service', '/oidc/login'))
    query += [
        ('database', database_name),
        ('login', user.login),
        ('user_id', str(user.id)),
        ('bus_url_host', bus_url_host if allow_subscribe else ''),
        ]
    parts = list(parts)
    parts[3] = urllib.parse.urlencode(query)
    response = redirect(urllib.parse.urlunsplit(parts), HTTPStatus.FOUND)
    add_auth_cookies(response, database_name, user.login, str(user.id), key)
    response.delete_cookie(
        STATE_COOKIE, path=_state_cookie_path(database_name))
    response.headers['Cache-Control'] = 'no-store'
    return response
