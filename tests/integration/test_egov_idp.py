# This file is part of the KZ Investment Platform.
"""Sign-in with the eGov identity provider (OpenID Connect, issue 17) on
a real trytond, against the Authlib OpenID provider of
tests/oidc_provider.py on 127.0.0.1.

A requests session plays the browser: /<db>/oidc/login, the provider's
sign-in page, the callback.  The server trusts one proxy, so each test
chooses its source address (X-Forwarded-For) and the throttle counts of
one test do not spill into another."""
import base64
import itertools
import unittest
import urllib.parse

import requests

from bench import rpc
from bench.rpc import RPCError
from tests import support
from tests.oidc_provider import Provider, server_env

DATABASE = 'test_integration_egov_idp'
IIN = '880101300010'
LOGIN = 'authorized'
UNKNOWN_IIN = '900101300017'
_addresses = (f'198.51.100.{i}' for i in itertools.count(100))


class EgovIdpTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.provider = Provider()
        cls._provider_run = cls.provider.run()
        cls.issuer = cls._provider_run.__enter__()
        support.create_database(DATABASE, modules=['kz_egov_idp'])
        from proteus import Model
        from proteus import config as pconfig
        pconfig.set_trytond(
            database=DATABASE, config_file=support.config_file())
        User = Model.get('res.user')
        user, = User.find([('login', '=', LOGIN)])
        user.iin = IIN
        user.save()
        cls.user_id = user.id
        cls.server = support.running_server(DATABASE, extra_env={
                **server_env(cls.issuer),
                'TRYTOND_WEB__NUM_PROXIES': '1',
                })
        cls.url = cls.server.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)
        support.drop_database(DATABASE)
        cls._provider_run.__exit__(None, None, None)

    def setUp(self):
        self.provider.sign_with_unknown_key = False
        self.provider.issuer_claim = None

    def browser(self, address=None, language='en'):
        session = requests.Session()
        session.headers['X-Forwarded-For'] = address or next(_addresses)
        session.headers['Accept-Language'] = language
        return session

    def start(self, browser):
        "Return the provider's authorization URL of a new sign-in"
        response = browser.get(f'{self.url}{DATABASE}/oidc/login',
            params={'next': self.url + '?login_service=/oidc/login'},
            allow_redirects=False)
        self.assertEqual(response.status_code, 302, response.text)
        location = response.headers['Location']
        self.assertTrue(location.startswith(self.issuer + '/authorize?'))
        return location

    def authorize(self, browser, authorization_url, iin):
        "Sign in at the provider; return the callback URL it sends to"
        page = browser.get(authorization_url)
        self.assertEqual(page.status_code, 200, page.text)
        response = browser.post(authorization_url,
            data={'iin': iin, 'action': 'allow'}, allow_redirects=False)
        self.assertEqual(response.status_code, 302, response.text)
        location = response.headers['Location']
        self.assertTrue(location.startswith(
                f'{self.url}{DATABASE}/oidc/callback?'), location)
        return location

    def sign_in(self, iin, browser=None):
        browser = browser or self.browser()
        callback = self.authorize(browser, self.start(browser), iin)
        return browser.get(callback, allow_redirects=False)

    @staticmethod
    def params(url):
        return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))

    @staticmethod
    def with_param(url, name, value):
        parts = urllib.parse.urlsplit(url)
        query = dict(urllib.parse.parse_qsl(parts.query))
        query[name] = value
        return urllib.parse.urlunsplit(
            parts._replace(query=urllib.parse.urlencode(query)))

    def assertRefused(self, response, text, status=403):
        self.assertEqual(response.status_code, status, response.text)
        self.assertIn(text, response.text)
        self.assertNotIn('tryton_session',
            [c.name for c in response.cookies])

    def test_service_listed(self):
        "sao's login dialog is offered the eGov sign-in"
        reply = requests.post(f'{self.url}rpc/', json={
                'id': 1, 'method': 'common.authentication.services',
                'params': []}).json()
        self.assertIn(['Sign in with eGov', '/oidc/login'], reply['result'])

    def test_sign_in(self):
        "The user of the IIN gets a working session and sao its details"
        address = next(_addresses)
        response = self.sign_in(IIN, self.browser(address))
        self.assertEqual(response.status_code, 302, response.text)
        location = response.headers['Location']
        self.assertTrue(location.startswith(self.url))
        params = self.params(location)
        self.assertEqual(params['login_service'], '/oidc/login')
        self.assertEqual(params['database'], DATABASE)
        self.assertEqual(params['login'], LOGIN)
        self.assertEqual(int(params['user_id']), self.user_id)
        session, = [c for c in response.cookies
            if c.name == 'tryton_session']
        self.assertEqual(session.path, f'/{DATABASE}')
        self.assertTrue(session.secure)
        self.assertTrue(session.has_nonstandard_attr('HttpOnly'))
        # The session opens RPC calls as the user (from the same address:
        # trytond binds a session to it)
        client = rpc.Client(self.url, DATABASE,
            headers={'X-Forwarded-For': address})
        client.auth = 'Session ' + base64.b64encode(
            session.value.encode()).decode()
        preferences = client.call('model.res.user.get_preferences', True, {})
        self.assertEqual(client.call('model.res.user.read', [self.user_id],
                ['login'], {})[0]['login'], LOGIN)
        self.assertTrue(preferences)

    def test_unknown_iin(self):
        "An IIN no user has is refused with a translated message"
        response = self.sign_in(UNKNOWN_IIN)
        self.assertRefused(response,
            f'No active user of the platform has the IIN {UNKNOWN_IIN}')
        response = self.sign_in(UNKNOWN_IIN, self.browser(language='ru'))
        self.assertRefused(response,
            f'Нет активного пользователя платформы с ИИН {UNKNOWN_IIN}')
        response = self.sign_in(UNKNOWN_IIN, self.browser(language='kk'))
        self.assertRefused(response, UNKNOWN_IIN)
        self.assertIn('ЖСН', response.text)

    def test_wrong_state(self):
        "A changed state, or a state of another browser, is refused"
        browser = self.browser()
        callback = self.authorize(browser, self.start(browser), IIN)
        response = browser.get(self.with_param(callback, 'state', 'forged'),
            allow_redirects=False)
        self.assertRefused(response, 'not started from this browser')
        # The sign-in of the victim's browser finished in the attacker's
        browser = self.browser()
        callback = self.authorize(browser, self.start(browser), IIN)
        response = self.browser().get(callback, allow_redirects=False)
        self.assertRefused(response, 'not started from this browser')
        # and a state is used once
        response = browser.get(callback, allow_redirects=False)
        self.assertRefused(response, 'not started from this browser')

    def test_wrong_nonce(self):
        "An ID token issued for the nonce of another sign-in is refused"
        browser = self.browser()
        mine = self.start(browser)
        other = self.start(self.browser())
        forged = self.with_param(mine, 'nonce', self.params(other)['nonce'])
        callback = self.authorize(browser, forged, IIN)
        response = browser.get(callback, allow_redirects=False)
        self.assertRefused(response, 'does not belong to this sign-in')

    def test_pkce_verifier_required(self):
        "A code issued for another PKCE challenge is not exchanged"
        browser = self.browser()
        mine = self.start(browser)
        other = self.start(self.browser())
        forged = self.with_param(mine, 'code_challenge',
            self.params(other)['code_challenge'])
        callback = self.authorize(browser, forged, IIN)
        response = browser.get(callback, allow_redirects=False)
        self.assertRefused(response, 'refused to confirm the sign-in')

    def test_token_signature_and_issuer(self):
        "An ID token not signed by the provider's keys or of another issuer"
        self.provider.sign_with_unknown_key = True
        self.assertRefused(self.sign_in(IIN), 'is not valid')
        self.provider.sign_with_unknown_key = False
        self.provider.issuer_claim = 'https://idp.example.invalid'
        self.assertRefused(self.sign_in(IIN), 'is not valid')

    def test_failed_sign_in_counts_against_throttle(self):
        """Failed eGov sign-ins count like wrong passwords: the address is
        refused at last, the eGov sign-in and the password alike"""
        address = next(_addresses)
        for _ in range(11):
            response = self.sign_in(UNKNOWN_IIN, self.browser(address))
            self.assertEqual(response.status_code, 403)
        response = self.sign_in(IIN, self.browser(address))
        self.assertRefused(response, 'Too many failed sign-ins', status=429)
        client = rpc.Client(self.url, DATABASE,
            headers={'X-Forwarded-For': address})
        with self.assertRaises(RPCError) as context:
            client.login(LOGIN, support.DEMO_PASSWORD)
        self.assertEqual(context.exception.code, 429)
        # Another address signs in
        self.assertEqual(self.sign_in(IIN).status_code, 302)
