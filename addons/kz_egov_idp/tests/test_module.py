# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The sign-in flow itself runs against a real OpenID provider in
tests/integration/test_egov_idp.py and tests/browser/test_egov_idp.py."""
import datetime as dt

from werkzeug.test import EnvironBuilder

from trytond.modules.kz_egov_idp import routes
from trytond.pool import Pool
from trytond.protocols.wrappers import Request
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction


class KzEgovIdpTestCase(ModuleTestCase):
    "Test kz_egov_idp module"
    module = 'kz_egov_idp'

    @with_transaction()
    def test_authorization_used_once(self):
        "A state gives its request once; an old one is forgotten"
        Authorization = Pool().get('kz.egov_idp.authorization')
        Authorization.create([{
                    'state': 's1', 'nonce': 'n1', 'code_verifier': 'v1',
                    'next_url': 'http://127.0.0.1/'}])
        self.assertEqual(Authorization.pop('s1')['nonce'], 'n1')
        self.assertIsNone(Authorization.pop('s1'))
        self.assertIsNone(Authorization.pop(None))
        old, = Authorization.create([{
                    'state': 's2', 'nonce': 'n2', 'code_verifier': 'v2'}])
        table = Authorization.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update([table.create_date],
                [dt.datetime.now() - dt.timedelta(minutes=11)],
                where=table.id == old.id))
        self.assertIsNone(Authorization.pop('s2'))

    def test_next_url_stays_on_server(self):
        "The address to go back to is on this server, else its root"
        def request(next_):
            builder = EnvironBuilder(path='/db/oidc/login',
                base_url='http://127.0.0.1:8000/',
                query_string={'next': next_})
            return Request(builder.get_environ())
        self.assertEqual(
            routes.next_url(request('http://127.0.0.1:8000/?a=1')),
            'http://127.0.0.1:8000/?a=1')
        self.assertEqual(
            routes.next_url(request('https://evil.example/')),
            'http://127.0.0.1:8000/')

    @with_transaction()
    def test_user_iin(self):
        "The IIN of a user is checked and finds the active user"
        pool = Pool()
        User = pool.get('res.user')
        user, = User.create([{'login': 'iin.user', 'iin': '8801 0130 0010'}])
        self.assertEqual(user.iin, '880101300010')
        self.assertEqual(User.kz_from_iin('880101300010'), user)
        user.active = False
        user.save()
        self.assertIsNone(User.kz_from_iin('880101300010'))


del ModuleTestCase
