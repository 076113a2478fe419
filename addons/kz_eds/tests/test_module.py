# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Sign-in with an electronic digital signature against a test PKI made
at test time: each refusal reason, a valid certificate, the throttle."""
import base64
import json

from trytond.exceptions import LoginException, RateLimitException
from trytond.modules.kz_base.tests.tools import config_option
from trytond.modules.kz_eds.tests.pki import (
    BIN_COMPANY, BIN_OTHER, IIN_EXPIRED, IIN_REVOKED, IIN_UNKNOWN, IIN_VALID)
from trytond.modules.kz_eds.tests.tools import eds_configured, pki, sign
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

PKI = PATHS = None


def setUpModule():
    global PKI, PATHS
    PKI, PATHS = pki()


class EDSTestCase(ModuleTestCase):
    "Test EDS sign-in and signed documents"
    module = 'kz_eds'
    extras = ['kz_damu_monitoring', 'kz_green_corridor']

    def create_user(self, login, iin, organization_bin=None):
        pool = Pool()
        User = pool.get('res.user')
        Organization = pool.get('kz.organization')
        values = {'login': login, 'name': login.title(), 'iin': iin}
        if organization_bin:
            organization, = Organization.create([{
                        'name': 'Bank ' + organization_bin,
                        'bin': organization_bin,
                        'kind': 'bank',
                        }])
            values['kz_organization'] = organization.id
        user, = User.create([values])
        return user

    def challenge(self, login=''):
        "Return the challenge the server issues to the login"
        User = Pool().get('res.user')
        with self.assertRaises(LoginException) as context:
            User.get_login(login, {'eds': True})
        self.assertEqual(context.exception.name, 'eds_signature')
        self.assertEqual(context.exception.type, 'eds')
        return json.loads(context.exception.message)['challenge']

    def sign_in(self, certificate, login='', content=None):
        "Sign the challenge with the certificate and return get_login's"
        User = Pool().get('res.user')
        challenge = self.challenge(login)
        if content is None:
            content = challenge.encode()
        signature = base64.b64encode(certificate.sign(content)).decode()
        return User.get_login(
            login, {'eds': True, 'eds_signature': signature})

    def assertRefused(self, certificate, pattern, login='', content=None):
        pool = Pool()
        LoginAttempt = pool.get('res.user.login.attempt')
        before = LoginAttempt.kz_count_address()
        with self.assertRaises(LoginException) as context:
            self.sign_in(certificate, login=login, content=content)
        error = json.loads(context.exception.message)['error']
        self.assertRegex(error, pattern)
        # Counted like a wrong password
        self.assertEqual(LoginAttempt.kz_count_address(), before + 1)
        return error

    @with_transaction()
    def test_valid_certificate_signs_in(self):
        "A valid authentication certificate signs its user in"
        user = self.create_user('aigerim', IIN_VALID)
        with eds_configured():
            self.assertEqual(self.sign_in(PKI.valid), user.id)
            # With the login typed as well
            self.assertEqual(self.sign_in(PKI.valid, 'aigerim'), user.id)

    @with_transaction()
    def test_expired(self):
        "An expired certificate is refused with its date"
        self.create_user('old', IIN_EXPIRED)
        expiry = PKI.expired.certificate.not_valid_after_utc.date()
        with eds_configured():
            error = self.assertRefused(PKI.expired, 'expired')
        self.assertIn(expiry.isoformat(), error)

    @with_transaction()
    def test_revoked(self):
        "A certificate listed in the CRL is refused"
        self.create_user('revoked', IIN_REVOKED)
        with eds_configured():
            self.assertRefused(PKI.revoked, 'revoked')

    @with_transaction()
    def test_unknown_root(self):
        "A certificate of a root not configured is refused"
        self.create_user('stranger', IIN_UNKNOWN)
        with eds_configured():
            self.assertRefused(PKI.unknown, 'not issued by a certification')

    @with_transaction()
    def test_no_matching_user(self):
        "A valid certificate whose IIN is no user's is refused"
        with eds_configured():
            self.assertRefused(PKI.nobody, 'No active user')

    @with_transaction()
    def test_other_login(self):
        "The certificate of one user does not sign another login in"
        self.create_user('aigerim', IIN_VALID)
        self.create_user('bolat', '900101300017')
        with eds_configured():
            self.assertRefused(PKI.valid, 'No active user', login='bolat')

    @with_transaction()
    def test_inactive_user(self):
        "An inactive user does not sign in"
        User = Pool().get('res.user')
        user = self.create_user('aigerim', IIN_VALID)
        User.write([user], {'active': False})
        with eds_configured():
            self.assertRefused(PKI.valid, 'No active user')

    @with_transaction()
    def test_wrong_challenge(self):
        "The signature of any other text is refused"
        self.create_user('aigerim', IIN_VALID)
        with eds_configured():
            self.assertRefused(PKI.valid, 'sign-in request',
                content=b'kz-platform-sign-in:forged')

    @with_transaction()
    def test_challenge_used_once(self):
        "A signed challenge cannot be replayed"
        User = Pool().get('res.user')
        user = self.create_user('aigerim', IIN_VALID)
        with eds_configured():
            challenge = self.challenge()
            signature = base64.b64encode(
                PKI.valid.sign(challenge.encode())).decode()
            parameters = {'eds': True, 'eds_signature': signature}
            self.assertEqual(User.get_login('', parameters), user.id)
            with self.assertRaises(LoginException) as context:
                User.get_login('', parameters)
            self.assertIn('sign-in request',
                json.loads(context.exception.message)['error'])

    @with_transaction()
    def test_challenge_expired(self):
        "A challenge signed too late is refused"
        self.create_user('aigerim', IIN_VALID)
        with eds_configured(challenge_timeout='-1'):
            self.assertRefused(PKI.valid, 'expired or was already used')

    @with_transaction()
    def test_tampered_signature(self):
        "A signature whose signed content was changed is refused"
        User = Pool().get('res.user')
        self.create_user('aigerim', IIN_VALID)
        with eds_configured():
            challenge = self.challenge()
            signature = bytearray(PKI.valid.sign(challenge.encode()))
            index = signature.find(challenge.encode())
            signature[index + len(challenge) - 1] ^= 1
            with self.assertRaises(LoginException) as context:
                User.get_login('', {'eds': True,
                        'eds_signature': base64.b64encode(
                            bytes(signature)).decode()})
            self.assertIn('not valid',
                json.loads(context.exception.message)['error'])

    @with_transaction()
    def test_garbage(self):
        "Anything but a CMS is refused"
        User = Pool().get('res.user')
        with eds_configured():
            self.challenge()
            for garbage in ['not base64!', base64.b64encode(b'junk').decode()]:
                with self.assertRaises(LoginException) as context:
                    User.get_login('', {
                            'eds': True, 'eds_signature': garbage})
                self.assertIn('could not be read',
                    json.loads(context.exception.message)['error'])

    @with_transaction()
    def test_signing_key_refused(self):
        "A signing (not authentication) key does not sign in"
        self.create_user('aigerim', IIN_VALID)
        with eds_configured():
            self.assertRefused(PKI.valid_signing, 'authentication key')

    @with_transaction()
    def test_legal_entity(self):
        """The certificate of an employee signs in only to the user of the
        organisation of its BIN"""
        user = self.create_user('aigerim', IIN_VALID, BIN_COMPANY)
        with eds_configured():
            self.assertEqual(self.sign_in(PKI.legal), user.id)
            self.assertRefused(PKI.legal_other, BIN_OTHER)

    @with_transaction()
    def test_not_configured(self):
        "Without trusted roots nothing is accepted"
        self.create_user('aigerim', IIN_VALID)
        with eds_configured(roots=''):
            self.assertRefused(PKI.valid, 'not configured')

    @with_transaction()
    def test_ocsp(self):
        "Where an OCSP responder is configured, it tells the revoked"
        from trytond.modules.kz_eds.tests.pki import OCSPResponder
        self.create_user('aigerim', IIN_VALID)
        self.create_user('revoked', IIN_REVOKED)
        responder = OCSPResponder(PKI.intermediate)
        with responder as url, eds_configured(
                crl=PATHS['root-crl'], ocsp_url=url):
            self.assertTrue(self.sign_in(PKI.valid))
            self.assertRefused(PKI.revoked, 'revoked')
        self.assertEqual(responder.requests, 2)
        # Without the OCSP answer nor a CRL the revocation is unknown
        with eds_configured(crl=PATHS['root-crl']):
            self.assertRefused(PKI.valid, 'could not be checked')

    @with_transaction()
    def test_throttle(self):
        "Failed signatures count against the login throttle"
        self.create_user('aigerim', IIN_VALID)
        with eds_configured(), \
                config_option('kz', 'login_max_attempt_address', '3'):
            for _ in range(4):
                self.assertRefused(PKI.nobody, 'No active user')
            with self.assertRaises(RateLimitException):
                self.sign_in(PKI.valid)

    @with_transaction()
    def test_password_still_works(self):
        "With eds listed first, a password sign-in is unchanged"
        pool = Pool()
        User = pool.get('res.user')
        user, = User.create([{
                    'login': 'pwuser', 'name': 'Pw',
                    'password': 'Ember-Orchid-Lantern-42'}])
        with eds_configured():
            with self.assertRaises(LoginException) as context:
                User.get_login('pwuser', {})
            self.assertEqual(context.exception.name, 'password')
            self.assertEqual(User.get_login(
                    'pwuser', {'password': 'Ember-Orchid-Lantern-42'}),
                user.id)

    @with_transaction()
    def test_iin_validated(self):
        "The IIN of a user is checked and unique"
        from trytond.model.exceptions import SQLConstraintError
        from trytond.modules.kz_base.exceptions import InvalidBIN
        User = Pool().get('res.user')
        with self.assertRaises(InvalidBIN):
            User.create([{'login': 'bad', 'name': 'Bad',
                        'iin': '123456789012'}])
        self.create_user('aigerim', IIN_VALID)
        with self.assertRaises(SQLConstraintError):
            self.create_user('twin', IIN_VALID)

    def issued_refusal_act(self):
        "Return an issued Act of refusal to sign (Annex 7)"
        from trytond.modules.kz_damu_monitoring.tests.tools import (
            create_monitoring, setup_orgs)
        pool = Pool()
        Act = pool.get('damu.act')
        User = pool.get('res.user')
        User.write([User(Transaction().user)], {'iin': IIN_VALID})
        monitoring = create_monitoring(setup_orgs())
        act, = Act.create([{
                    'monitoring': monitoring.id,
                    'kind': 'refusal',
                    'director': "Aliyev A.A.",
                    'specialists': "Sadykova S.S.",
                    }])
        Act.issue([act])
        return act

    @with_transaction()
    def test_sign_refusal_act(self):
        "An Act of refusal is signed, verified and shown as signed"
        pool = Pool()
        Act = pool.get('damu.act')
        act = self.issued_refusal_act()
        with eds_configured():
            sign(act, PKI.valid_signing)
            act = Act(act.id)
            self.assertTrue(act.kz_eds_signed)
            signature, = act.kz_eds_signatures
            self.assertEqual(signature.signer_iin, IIN_VALID)
            self.assertEqual(signature.signer_name, 'VALID USER')
            self.assertEqual(signature.verify().iin, IIN_VALID)
            self.assertRegex(act.kz_eds_status, '^Valid signature of VALID')
            self.assertIn(b'Aliyev A.A.', signature.content)

    @with_transaction()
    def test_signed_act_cannot_change(self):
        "A signed act can no longer be changed or deleted"
        from trytond.model.exceptions import AccessError
        pool = Pool()
        Act = pool.get('damu.act')
        act = self.issued_refusal_act()
        with eds_configured():
            sign(act, PKI.valid_signing)
        with self.assertRaisesRegex(AccessError, 'signed'):
            Act.write([act], {'director': "Someone Else"})
        with self.assertRaisesRegex(AccessError, 'signed'):
            Act.delete([act])

    @with_transaction()
    def test_tampered_copy_refused(self):
        "A signature of another version of the act is refused"
        from trytond.modules.kz_eds.exceptions import SignatureError
        pool = Pool()
        Act = pool.get('damu.act')
        act = self.issued_refusal_act()
        content = base64.b64decode(Act.kz_eds_data([act])[act.id])
        tampered = content.replace(b'Aliyev A.A.', b'Bekov B.B.')
        self.assertNotEqual(content, tampered)
        with eds_configured():
            with self.assertRaisesRegex(SignatureError, 'not valid'):
                sign(act, PKI.valid_signing, content=tampered)
        self.assertFalse(Act(act.id).kz_eds_signed)

    @with_transaction()
    def test_document_changed_behind_the_back(self):
        """An act changed in the database after signature shows an invalid
        signature, and so does an altered CMS"""
        pool = Pool()
        Act = pool.get('damu.act')
        Signature = pool.get('kz.eds.signature')
        act = self.issued_refusal_act()
        with eds_configured():
            sign(act, PKI.valid_signing)
            cursor = Transaction().connection.cursor()
            table = Act.__table__()
            cursor.execute(*table.update(
                    [table.director], ["Bekov B.B."],
                    where=table.id == act.id))
            act = Act(act.id)
            self.assertRegex(act.kz_eds_status, '^INVALID.*changed after')
            # Back as signed, but the CMS altered
            cursor.execute(*table.update(
                    [table.director], ["Aliyev A.A."],
                    where=table.id == act.id))
            signature, = Signature.search([])
            cms = bytearray(signature.signature)
            cms[-10] ^= 0xff
            sig_table = Signature.__table__()
            cursor.execute(*sig_table.update(
                    [sig_table.signature], [bytes(cms)],
                    where=sig_table.id == signature.id))
            act = Act(act.id)
            self.assertRegex(act.kz_eds_status, '^INVALID')
            self.assertNotRegex(act.kz_eds_status, 'changed after')

    @with_transaction()
    def test_sign_only_issued_own_signing_key(self):
        """A draft act is not signed; nor with another person's key, nor
        with an authentication key"""
        from trytond.modules.kz_eds.exceptions import SignatureError
        pool = Pool()
        Act = pool.get('damu.act')
        act = self.issued_refusal_act()
        draft, = Act.create([{
                    'monitoring': act.monitoring.id, 'kind': 'impossibility'}])
        with eds_configured():
            with self.assertRaisesRegex(SignatureError, 'only once'):
                sign(draft, PKI.valid_signing)
            with self.assertRaisesRegex(SignatureError, 'IIN ' + IIN_REVOKED):
                other = PKI.intermediate.issue(
                    'OTHER', IIN_REVOKED, purpose='signature')
                sign(act, other)
            with self.assertRaisesRegex(SignatureError, 'may not be used'):
                sign(act, PKI.valid)

    @with_transaction()
    def test_signatures_not_writable(self):
        "No client, not even the administrator, writes a signature"
        from trytond.model.exceptions import AccessError
        pool = Pool()
        Signature = pool.get('kz.eds.signature')
        act = self.issued_refusal_act()
        with eds_configured():
            sign(act, PKI.valid_signing)
        signature, = Signature.search([])
        with Transaction().set_context(_check_access=True):
            for call in [
                    lambda: Signature.write([signature], {'signer_iin': '1'}),
                    lambda: Signature.delete([signature]),
                    lambda: Signature.create([{'document': str(act)}]),
                    ]:
                with self.assertRaises(AccessError):
                    call()


del ModuleTestCase
