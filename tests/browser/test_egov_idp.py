# This file is part of the KZ Investment Platform.
"""Browser test: a user signs into sao with the eGov identity provider
(OpenID Connect), here the Authlib provider of tests/oidc_provider.py on
127.0.0.1: the login dialog's "Sign in with eGov" opens the provider's
page in a popup, the user gives his IIN, the popup closes and sao opens
his session."""
from tests import support
from tests.oidc_provider import Provider, server_env

DATABASE = 'test_browser_egov_idp'
IIN = '880101300010'
LOGIN = 'authorized'


class EgovIdpBrowserTestCase(support.SaoTestCase):
    DATABASE = DATABASE
    MODULES = None

    @classmethod
    def setUpClass(cls):
        cls.provider = Provider()
        cls._provider_run = cls.provider.run()
        cls.issuer = cls._provider_run.__enter__()
        try:
            super().setUpClass()
        except Exception:
            cls._provider_run.__exit__(None, None, None)
            raise

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls._provider_run.__exit__(None, None, None)

    @classmethod
    def server_env(cls):
        return server_env(cls.issuer)

    def setUp(self):
        Model = self.proteus()
        User = Model.get('res.user')
        user, = User.find([('login', '=', LOGIN)])
        if user.iin != IIN:
            user.iin = IIN
            user.save()

    def open_provider(self, page):
        "Open sao's login and its eGov button; return the provider's popup"
        page.goto(f'{self.url}#{DATABASE}')
        button = page.locator('.login-dialog').get_by_role(
            'button', name='Sign in with eGov')
        button.wait_for()
        # sao opens the provider only once the login dialog knows its
        # database (the list comes from the server, slow at its start)
        page.wait_for_function(
            "() => [...document.querySelectorAll("
            "'.login-dialog [name=database]')]"
            ".some(e => e.value)")
        with page.expect_popup() as popup_info:
            button.click()
        return popup_info.value

    def test_sign_in_with_egov(self):
        "The user signs in through the provider and sao opens his session"
        with support.browser_page() as page:
            popup = self.open_provider(page)
            popup.locator('#iin').fill(IIN)
            popup.get_by_role('button', name='Sign in').click()
            # sao stores the session in the popup, closes it, and the
            # login dialog goes on with the session
            try:
                page.locator('#menu tr:visible').first.wait_for()
            except Exception:
                support.screenshot(page, 'egov_idp_not_signed_in')
                raise
            session = page.evaluate(
                '[Sao.Session.current_session.login,'
                ' Sao.Session.current_session.user_id]')
            self.assertEqual(session[0], LOGIN)
            self.assertTrue(session[1])
            # The session works: the user's preferences are read
            preferences = page.evaluate('''() => Sao.rpc({
                    method: 'model.res.user.get_preferences',
                    params: [true, {}]},
                Sao.Session.current_session).then(p => p.language)''')
            self.assertTrue(preferences)
            support.screenshot(page, 'egov_idp_signed_in')

    def test_unknown_iin_refused_in_popup(self):
        "An IIN no user has: the popup says so and sao stays logged out"
        with support.browser_page() as page:
            popup = self.open_provider(page)
            popup.locator('#iin').fill('900101300017')
            popup.get_by_role('button', name='Sign in').click()
            popup.locator('#kz-oidc-error').wait_for()
            self.assertIn('900101300017',
                popup.locator('#kz-oidc-error').inner_text())
            popup.get_by_role('button', name='Close').click()
            self.wait_for(popup.is_closed, "the eGov popup did not close")
            # The login dialog is usable again
            page.locator('#login').wait_for()
            self.assertFalse(page.evaluate(
                'Sao.Session.current_session'
                ' && Sao.Session.current_session.user_id'))
