# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Sign-in hardening (issue 12): password strength, no login or name in the
password, the current password to change one's own, and failed logins
throttled per source (IP address, device cookie), never per login.

The source of a call is the ``_request`` of the context, which the server
fills from the HTTP request: a test sets it to stand for distinct
addresses."""
import os
import tempfile
import unittest
from unittest.mock import patch

from trytond import config
from trytond.exceptions import RateLimitException
from trytond.modules.kz_base import password as kz_password
from trytond.pool import Pool
from trytond.res.user import PasswordError
from trytond.tests.test_tryton import (
    DB_NAME, activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

STRONG = 'Ember-Orchid-Lantern-42'
# trytond's own forbidden-file check, the common list, the strength score
WEAK = 'forbidden|most common|too easy'
DEMO_PASSWORD = 'kz-demo-2026'
SHIPPED_LIST = os.path.join(os.path.dirname(__file__), '..', '..', '..',
    'config', 'forbidden-passwords.txt')


def source(address):
    "Stand for a request coming from the address"
    return Transaction().set_context(_request={'remote_addr': address})


def patched_config(values):
    "Patch config.get/getint for {(section, option): value}"
    get, getint = config.get, config.getint

    def patched_get(section, option, default=None):
        if (section, option) in values:
            return values[(section, option)]
        return get(section, option, default=default)

    def patched_getint(section, option, default=None):
        if (section, option) in values:
            return int(values[(section, option)])
        return getint(section, option, default=default)
    return patch.multiple(config, get=patched_get, getint=patched_getint)


class LoginTestCase(unittest.TestCase):
    "Test the sign-in hardening of kz_base"

    @classmethod
    def setUpClass(cls):
        activate_module('kz_base')

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def create_user(self, login, password=STRONG, **values):
        User = Pool().get('res.user')
        user, = User.create([dict(login=login, password=password, **values)])
        return user

    def assertRefused(self, password, pattern, user):
        User = Pool().get('res.user')
        with self.assertRaisesRegex(PasswordError, pattern):
            User.write([user], {'password': password})

    def assertPassword(self, user, password):
        "Check the password is the user's (read hides the hash)"
        User = Pool().get('res.user')
        _, password_hash, _ = User._get_login(user.login)
        self.assertTrue(User.check_password(password, password_hash)[0])

    # Strength

    @with_transaction()
    def test_trivial_passwords_refused(self):
        "The 12-character passwords of the attack are refused"
        user = self.create_user('strength.check')
        for password in ['aaaaaaaaaaaa', 'qwerty123456', 'Password1234',
                'Kazakhstan2026', '123456789012', 'abcdefghijkl',
                'qwertyuiopas', 'Astana2026!!']:
            with self.subTest(password=password):
                self.assertRefused(password, WEAK, user)

    @with_transaction()
    def test_strong_passwords_accepted(self):
        "Passphrases and the demo password are accepted"
        User = Pool().get('res.user')
        user = self.create_user('embassy',
            name="Aigerim Sadykova (Embassy, Berlin)")
        for password in [STRONG, 'correct horse battery staple',
                'Qz7!vR2#pL9@wX', DEMO_PASSWORD]:
            with self.subTest(password=password):
                User.write([user], {'password': password})
                self.assertPassword(user, password)

    @with_transaction()
    def test_demo_passwords_pass_the_rules(self):
        "Every demo login and name accepts the demo password"
        User = Pool().get('res.user')
        for login, name in [
                ('embassy', "Aigerim Sadykova (Embassy, Berlin)"),
                ('akimat.astana', "Marat Zhumabayev (Akimat of Astana)"),
                ('damu.officer', "Ruslan Ibrayev (Damu)"),
                ('investor.qazaqglass', "Qazaq Glass"),
                ('bank.bcc', "Yerzhan Tokhtarov (Bank CenterCredit)"),
                ]:
            with self.subTest(login=login):
                User.validate_password(DEMO_PASSWORD, [User(
                            login=login, name=name, email=None)])

    @with_transaction()
    def test_common_list_whole_and_case_insensitive(self):
        "A listed password is refused in any case, not as a part"
        with tempfile.NamedTemporaryFile('w', suffix='.txt') as listed:
            listed.write('# a comment\nZebra-Marmalade-Quill\n')
            listed.flush()
            with patched_config({
                        ('password', 'forbidden'): listed.name,
                        ('kz', 'password_min_score'): 0,
                        }):
                user = self.create_user('list.check')
                for password in ['zebra-marmalade-quill',
                        'ZEBRA-MARMALADE-QUILL', 'Zebra Marmalade Quill']:
                    with self.subTest(password=password):
                        self.assertRefused(password, 'most common', user)
                User = Pool().get('res.user')
                User.write([user], {'password': 'Zebra-Marmalade-Quill-9'})

    def test_shipped_list(self):
        "The shipped list has the project's and zxcvbn's common passwords"
        passwords = kz_password._read_forbidden(SHIPPED_LIST, 0)
        self.assertGreater(len(passwords), 30000)
        for password in ['password', '123456789012', 'kazakhstan2026',
                'qwertyuiopas', 'administrator', 'iloveyou', 'dragon',
                'astana2026!']:
            self.assertIn(password, passwords)

    @with_transaction()
    def test_min_score_setting(self):
        "[kz] password_min_score sets the strength required"
        User = Pool().get('res.user')
        user = self.create_user('score.check')
        # zxcvbn rates it 3
        password = 'Tr0ub4dour&3xy'
        with patched_config({('kz', 'password_min_score'): 4}):
            self.assertRefused(password, 'at least 4', user=user)
        with patched_config({('kz', 'password_min_score'): 3}):
            User.write([user], {'password': password})
        with patched_config({
                    ('kz', 'password_min_score'): 0,
                    ('password', 'forbidden'): None,
                    }):
            User.write([user], {'password': 'zzzzzzzzzzzz'})

    @with_transaction()
    def test_login_name_email_in_password(self):
        "The login, name, e-mail and their parts of 4+ characters are refused"
        user = self.create_user('damu.officer', name="Ruslan Ibrayev",
            email='r.ibrayev@damu.kz')
        for password, part in [
                ('Qz7!vR-officer-xw81p', 'officer'),
                ('damu.officer-Qz7!vR', 'damu'),
                ('Qz7!vR-DAMU-xw81p', 'damu'),
                ('Ruslan#Qz7!vR2pL', 'ruslan'),
                ('pL9@ibrayev!Qz7', 'ibrayev'),
                ('Qz7!vR2#d.a.m.u.x', 'damu'),
                ]:
            with self.subTest(password=password):
                self.assertRefused(password, '"%s"' % part, user=user)
        # Parts shorter than 4 characters do not count
        User = Pool().get('res.user')
        user = self.create_user('ab.cd', name="Li Bo")
        User.write([user], {'password': 'ab-Qz7!vR2#pL-Bo-Li'})

    @with_transaction()
    def test_new_user_checked(self):
        "A user created with a weak password or his login in it is refused"
        with self.assertRaisesRegex(PasswordError, WEAK):
            self.create_user('new.one', password='qwerty123456')
        with self.assertRaisesRegex(PasswordError, '"sadykova"'):
            self.create_user('a.sadykova', password='Sadykova-Qz7!vR2')

    # Current password

    @with_transaction()
    def test_old_password_required(self):
        "Changing one's own password needs the current one"
        User = Pool().get('res.user')
        user = self.create_user('self.service')
        new = 'Velvet-Harbour-Pine-77'
        with source('198.51.100.21'), Transaction().set_user(user.id):
            with self.assertRaisesRegex(PasswordError, 'current password'):
                User.set_preferences({'password': new})
            with self.assertRaisesRegex(PasswordError, 'not correct'):
                User.set_preferences({
                        'password': new, 'old_password': 'wrong-one-123'})
            # Other preferences and the "unchanged" placeholder need none
            User.set_preferences({'name': "Self Service"})
            User.set_preferences({'password': 'x' * 10})
            # The new password is checked like any other
            with self.assertRaisesRegex(PasswordError, WEAK):
                User.set_preferences({
                        'password': 'qwerty123456', 'old_password': STRONG})
            User.set_preferences({'password': new, 'old_password': STRONG})
        user = User(user.id)
        self.assertEqual(user.name, "Self Service")
        self.assertPassword(user, new)

    @with_transaction()
    def test_preferences_form_asks_current_password(self):
        "The preferences form has an editable current password field"
        User = Pool().get('res.user')
        view = User.get_preferences_fields_view()
        self.assertIn('old_password', view['fields'])
        self.assertFalse(view['fields']['old_password']['readonly'])
        self.assertIn('name="old_password"', view['arch'])
        user = self.create_user('prefs.reader')
        with Transaction().set_user(user.id):
            self.assertNotIn('old_password', User.get_preferences())

    @with_transaction()
    def test_old_password_reset(self):
        "The reset password stands for the current one"
        import datetime as dt
        User = Pool().get('res.user')
        user = self.create_user('reset.me')
        User.write([user], {
                'password_reset': 'Reset-Code-Xy7',
                'password_reset_expire': (
                    dt.datetime.now() + dt.timedelta(hours=1)),
                })
        with source('198.51.100.22'), Transaction().set_user(user.id):
            User.set_preferences({
                    'password': 'Velvet-Harbour-Pine-77',
                    'old_password': 'Reset-Code-Xy7'})

    def test_old_password_throttled(self):
        """Wrong current passwords count as failed logins of the address;
        each call runs in a transaction of its own, as over RPC"""
        address = {'_request': {'remote_addr': '198.51.100.23'}}
        with Transaction().start(DB_NAME, 1):
            user_id = self.create_user('guessed.session').id
        new = 'Velvet-Harbour-Pine-77'

        def set_preferences(old_password):
            with Transaction().start(DB_NAME, user_id, context=address):
                User = Pool().get('res.user')
                User.set_preferences(
                    {'password': new, 'old_password': old_password})
        with Transaction().start(DB_NAME, 0, context=address):
            pool = Pool()
            limit = pool.get('res.user').kz_max_attempt_address()
            Attempt = pool.get('res.user.login.attempt')
            self.assertEqual(Attempt.kz_count_address(), 0)
        for i in range(limit + 1):
            with self.assertRaisesRegex(PasswordError, 'not correct'):
                set_preferences('guess-%s' % i)
        with Transaction().start(DB_NAME, 0, context=address):
            Attempt = Pool().get('res.user.login.attempt')
            self.assertEqual(Attempt.kz_count_address(), limit + 1)
        with self.assertRaisesRegex(PasswordError, 'Too many'):
            set_preferences(STRONG)

    @with_transaction()
    def test_admin_sets_other_password(self):
        "An administrator sets another user's password without his current"
        User = Pool().get('res.user')
        user = self.create_user('forgetful')
        User.write([user], {'password': 'Velvet-Harbour-Pine-77'})
        self.assertPassword(user, 'Velvet-Harbour-Pine-77')

    # Throttling

    @with_transaction()
    def test_attacker_does_not_lock_user_out(self):
        "Failures count against the source, not the login"
        User = Pool().get('res.user')
        user = self.create_user('victim')
        limit = User.kz_max_attempt_address()
        with source('203.0.113.1'):
            for i in range(limit + 1):
                self.assertIsNone(User.get_login(
                        'victim', {'password': 'guess-%s' % i}))
            # The attacking address is refused, even with the right password
            for password in ['guess', STRONG]:
                with self.assertRaises(RateLimitException):
                    User.get_login('victim', {'password': password})
        with source('203.0.113.2'):
            self.assertEqual(
                User.get_login('victim', {'password': STRONG}), user.id)
            # A wrong password from there is an ordinary failure
            self.assertIsNone(User.get_login('victim', {'password': 'x'}))
        with source('203.0.113.1'):
            with self.assertRaises(RateLimitException):
                User.get_login('other', {'password': 'x'})

    @with_transaction()
    def test_device_cookie_gets_in_from_busy_address(self):
        "A valid device cookie logs in where the address is refused"
        pool = Pool()
        User = pool.get('res.user')
        Device = pool.get('res.user.device')
        user = self.create_user('cookie.holder')
        Device.create([{'login': 'cookie.holder', 'cookie': 'c00kie'}])
        with source('203.0.113.3'):
            for i in range(User.kz_max_attempt_address() + 1):
                User.get_login('cookie.holder', {'password': 'g%s' % i})
            with self.assertRaises(RateLimitException):
                User.get_login('cookie.holder', {'password': STRONG})
            self.assertEqual(User.get_login('cookie.holder', {
                        'password': STRONG, 'device_cookie': 'c00kie'}),
                user.id)
            # A cookie of another login is no cookie
            with self.assertRaises(RateLimitException):
                User.get_login('victim', {
                        'password': STRONG, 'device_cookie': 'c00kie'})

    @with_transaction()
    def test_device_cookie_limit(self):
        "Failures with a device cookie count against the cookie alone"
        pool = Pool()
        User = pool.get('res.user')
        Device = pool.get('res.user.device')
        Attempt = pool.get('res.user.login.attempt')
        user = self.create_user('cookie.guess')
        Device.create([{'login': 'cookie.guess', 'cookie': 'stolen'}])
        limit = config.getint('session', 'max_attempt', default=5)
        with source('203.0.113.4'):
            for i in range(limit + 1):
                self.assertIsNone(User.get_login('cookie.guess', {
                            'password': 'g%s' % i, 'device_cookie': 'stolen'}))
            with self.assertRaises(RateLimitException):
                User.get_login('cookie.guess', {
                        'password': STRONG, 'device_cookie': 'stolen'})
            self.assertEqual(Attempt.kz_count_address(), 0)
            self.assertEqual(User.get_login(
                    'cookie.guess', {'password': STRONG}), user.id)

    @with_transaction()
    def test_success_forgets_own_failures_only(self):
        "A login forgets its own failures from its address, not others'"
        pool = Pool()
        User = pool.get('res.user')
        Attempt = pool.get('res.user.login.attempt')
        user = self.create_user('typo.user')
        with source('203.0.113.5'):
            User.get_login('someone.else', {'password': 'x'})
            User.get_login('typo.user', {'password': 'typo'})
            User.get_login('typo.user', {'password': 'typo'})
        with source('203.0.113.6'):
            User.get_login('typo.user', {'password': 'attack'})
        with source('203.0.113.5'):
            self.assertEqual(Attempt.kz_count_address(), 3)
            self.assertEqual(
                User.get_login('typo.user', {'password': STRONG}), user.id)
            self.assertEqual(Attempt.kz_count_address(), 1)
        with source('203.0.113.6'):
            self.assertEqual(Attempt.kz_count_address(), 1)

    @with_transaction()
    def test_network_limit(self):
        "A network over [session] max_attempt_ip_network is refused"
        User = Pool().get('res.user')
        user = self.create_user('net.user')
        with patched_config({
                    ('session', 'max_attempt_ip_network'): 3,
                    ('session', 'ip_network_4'): 24,
                    ('kz', 'login_max_attempt_address'): 100,
                    }):
            for i in range(4):
                with source('192.0.2.%s' % (i + 1)):
                    User.get_login('net.user', {'password': 'x'})
            with source('192.0.2.50'):
                with self.assertRaises(RateLimitException):
                    User.get_login('net.user', {'password': STRONG})
            with source('192.0.3.50'):
                self.assertEqual(
                    User.get_login('net.user', {'password': STRONG}),
                    user.id)

    @with_transaction()
    def test_unknown_login_verifies_a_dummy_hash(self):
        "Unknown and inactive logins cost one hash verification too"
        User = Pool().get('res.user')
        self.create_user('known')
        self.create_user('gone', active=False)
        scheme = User._get_login('known')[1].split('$')[1]
        check_password = User.check_password
        hashes = []

        def spy(password, hash_):
            hashes.append(hash_)
            return check_password(password, hash_)
        with source('203.0.113.7'), \
                patch.object(User, 'check_password', side_effect=spy):
            for login in ['known', 'unknown', 'gone']:
                with self.subTest(login=login):
                    del hashes[:]
                    self.assertIsNone(
                        User.get_login(login, {'password': 'wrong'}))
                    self.assertEqual(len(hashes), 1)
                    self.assertEqual(hashes[0].split('$')[1], scheme)
