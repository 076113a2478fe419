# This file is part of the KZ Investment Platform.
"""Browser test: sign in to sao with an electronic digital signature.  A
local NCALayer (a WebSocket server of the test) signs the server's
challenge with the key of a certificate of the test PKI; the signature is
real and the server verifies it against the test roots and CRLs."""
import os
import shutil
import tempfile

from tests import support

DATABASE = 'test_browser_eds'


class SaoEDSTestCase(support.SaoTestCase):
    DATABASE = DATABASE
    MODULES = ['kz_base', 'kz_eds']

    @classmethod
    def setUpClass(cls):
        from trytond.modules.kz_eds.tests.pki import TestPKI
        cls.pki = TestPKI()
        cls.pki_dir = tempfile.mkdtemp(prefix='kz-eds-browser-')
        paths = cls.pki.write(cls.pki_dir)
        # The server reads its [session] and [kz_eds] settings from the
        # environment (TRYTOND_SECTION__OPTION)
        cls.environ = {
            'TRYTOND_SESSION__AUTHENTICATIONS': 'eds,password',
            'TRYTOND_KZ_EDS__ROOTS': paths['roots'],
            'TRYTOND_KZ_EDS__INTERMEDIATES': paths['intermediates'],
            'TRYTOND_KZ_EDS__CRL': paths['crl'],
            }
        cls._saved = {k: os.environ.get(k) for k in cls.environ}
        os.environ.update(cls.environ)
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        for key, value in cls._saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(cls.pki_dir, ignore_errors=True)

    def setUp(self):
        from trytond.modules.kz_eds.tests.pki import (
            IIN_REVOKED, IIN_VALID)
        Model = self.proteus()
        User = Model.get('res.user')
        admin, = User.find([('login', '=', 'admin')])
        if admin.iin != IIN_VALID:
            admin.iin = IIN_VALID
            admin.save()
        if not User.find([('login', '=', 'revoked')]):
            User(login='revoked', name='Revoked', iin=IIN_REVOKED).save()

    def open_login(self, page, ncalayer):
        # The page's NCALayer is the test's (localStorage kz_ncalayer_url)
        page.add_init_script(
            "localStorage.setItem('kz_ncalayer_url', %r);" % ncalayer.url)
        page.goto(f'{self.url}#{DATABASE}')
        button = page.locator('.login-dialog .kz-eds-login')
        button.wait_for()
        return button

    def test_sign_in_with_eds(self):
        "A valid certificate signs its user in without a password"
        from trytond.modules.kz_eds.tests.ncalayer import FakeNCALayer
        with FakeNCALayer(self.pki.valid) as ncalayer, \
                support.browser_page() as page:
            button = self.open_login(page, ncalayer)
            self.assertEqual(button.text_content().strip(), 'Sign in with EDS')
            button.click()
            page.locator('#menu tr:visible').first.wait_for()
            self.assertEqual(len(ncalayer.requests), 1)
            request, = ncalayer.requests
            self.assertEqual(request['module'], 'kz.gov.pki.knca.basics')
            self.assertEqual(request['args']['format'], 'cms')
            self.assertEqual(request['args']['signerParams'][
                    'extKeyUsageOids'], ['1.3.6.1.5.5.7.3.2'])
            # The session is the admin's: the preferences show his name
            session = page.evaluate(
                "JSON.parse(localStorage.getItem('sao_session_%s'))"
                % DATABASE)
            self.assertEqual(session['login'], 'admin')
            support.screenshot(page, 'eds_signed_in')

    def test_revoked_certificate_refused(self):
        "A revoked certificate is refused with the reason and no session"
        from trytond.modules.kz_eds.tests.ncalayer import FakeNCALayer
        with FakeNCALayer(self.pki.revoked) as ncalayer, \
                support.browser_page() as page:
            button = self.open_login(page, ncalayer)
            button.click()
            dialog = page.locator('.modal-dialog').filter(
                has_text='revoked by its certification authority')
            dialog.wait_for()
            support.screenshot(page, 'eds_revoked')
            dialog.locator('button').filter(has_text='OK').first.click()
            # The login dialog is usable again
            page.locator('.login-dialog .kz-eds-login:enabled').wait_for()
            self.assertIsNone(page.evaluate(
                    "localStorage.getItem('sao_session_%s')" % DATABASE))

    def test_ncalayer_not_running(self):
        "Without NCALayer the user is told to start it"
        from trytond.modules.kz_eds.tests.ncalayer import FakeNCALayer
        with FakeNCALayer(self.pki.valid) as ncalayer:
            url = ncalayer.url
        # The server is stopped: nothing answers on its port
        with support.browser_page() as page:
            page.add_init_script(
                "localStorage.setItem('kz_ncalayer_url', %r);" % url)
            page.goto(f'{self.url}#{DATABASE}')
            page.locator('.login-dialog .kz-eds-login').click()
            page.locator('.modal-dialog').filter(
                has_text='Start NCALayer').wait_for()

