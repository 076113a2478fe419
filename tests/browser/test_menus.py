# This file is part of the KZ Investment Platform.
"""Browser tests of menus and feedback (issue 19): each demo role sees the
menus of the table below and nothing else, without empty folders; sao
shows them so; the embassy's "Create Initiative" opens the initiative it
created and says what comes next."""
import base64
import json
import re
import urllib.request

from playwright.sync_api import expect

from tests import support

DATABASE = 'test_browser_menus'
ROOT = 'Investment Platform'

# The menus each role sees under the Investment Platform, by path
NCIP = 'One Window (NCIP)'
ATTRACTION = [
    f'{NCIP} / Attraction',
    f'{NCIP} / Attraction / Investor Companies',
    f'{NCIP} / Attraction / Investor Contacts',
    f'{NCIP} / Attraction / Meetings',
    f'{NCIP} / Attraction / Visits',
    f'{NCIP} / Attraction / Initiatives',
    ]
MENUS = {}  # filled below


def _paths(*paths):
    return set(paths)


class SaoMenusTestCase(support.SaoTestCase):
    DATABASE = DATABASE

    def rpc_menus(self, login, password):
        "Return the complete names of the menus the user gets over RPC"
        url = f'{self.url}{DATABASE}/'

        def call(method, params, auth=None):
            request = urllib.request.Request(url, data=json.dumps({
                        'method': method, 'params': params,
                        }).encode(), headers={
                    'Content-Type': 'application/json'})
            if auth:
                request.add_header('Authorization', auth)
            with urllib.request.urlopen(request, timeout=60) as response:
                result = json.load(response)
            if 'error' in result and result['error']:
                raise RuntimeError(result['error'])
            return result['result']
        user_id, session, *_ = call(
            'common.db.login', [login, {'password': password}])
        auth = 'Session ' + base64.b64encode(
            f'{login}:{user_id}:{session}'.encode()).decode()
        context = call('model.res.user.get_preferences', [True, {}], auth)
        menus = call('model.ir.ui.menu.search_read',
            [[], 0, None, None, ['complete_name'], context], auth)
        return {m['complete_name'] for m in menus}

    def test_menus_per_role(self):
        "Each role sees the menus of its table, no empty folder"
        prefix = ROOT + ' / '
        for login, expected in sorted(MENUS.items()):
            with self.subTest(login=login):
                password = (support.ADMIN_PASSWORD if login == 'admin'
                    else support.DEMO_PASSWORD)
                names = self.rpc_menus(login, password)
                platform = {n[len(prefix):] for n in names
                    if n.startswith(prefix)}
                if login == 'admin':
                    top = {n for n in names if ' / ' not in n}
                    # Tryton's companies duplicate the organisations and
                    # the currencies are reference data
                    self.assertNotIn('Companies', top)
                    self.assertNotIn('Currencies', top)
                    self.assertIn('Reference Data / Currencies', platform)
                    organisations = [n for n in platform
                        if n.split(' / ')[-1] == 'Organisations']
                    self.assertEqual(len(organisations), 1, organisations)
                    platform = {n for n in platform
                        if n.split(' / ')[0] in expected}
                    expected = {n for n in expected}
                    self.assertEqual(
                        {n.split(' / ')[0] for n in platform}, expected)
                    continue
                self.assertEqual(platform, expected)

    def test_embassy_menu_in_sao(self):
        "sao shows the embassy its folders only, not the Prosecutor Filter"
        with support.browser_page() as page:
            support.sao_login(
                page, self.url, DATABASE, 'embassy', support.DEMO_PASSWORD)
            menu = page.locator('#menu')
            root = support.menu_row(page, ROOT)
            root.locator('.expander, [class*=expander]').first.click()
            support.menu_row(page, NCIP).wait_for()
            expected = sorted({n.split(' / ')[0] for n in MENUS['embassy']})
            page.wait_for_timeout(1000)
            for name in ['Prosecutor Filter', 'Damu Monitoring', 'Settings']:
                self.assertEqual(
                    menu.get_by_text(name, exact=True).count(), 0, name)
            for name in expected:
                expect(support.menu_row(page, name)).to_be_visible()
            support.sao_open_menu(page, NCIP, 'Attraction', 'Meetings')
            for name in ['Projects', 'Dashboard', 'Suspensions',
                    'Green Corridor']:
                self.assertEqual(
                    menu.get_by_text(name, exact=True).count(), 0, name)
            support.screenshot(page, 'menus_embassy')

    def test_create_initiative_opens_it(self):
        "Create Initiative opens the new initiative and says what is next"
        subject = "Battery factory in Astana"
        Model = self.proteus()
        Organization = Model.get('kz.organization')
        Party = Model.get('party.party')
        Region = Model.get('kz.region')
        embassy, = Organization.find([
                ('name', '=', "Embassy of Kazakhstan in Germany")])
        investor, = Party.find([('name', '=', "Green Wind GmbH")])
        astana, = Region.find([('code', '=', '710000000')])
        meeting = Model.get('ncip.meeting')(subject=subject,
            organization=embassy, investor=investor, region=astana,
            place="Berlin")
        meeting.save()
        with support.browser_page() as page:
            errors = []
            page.on('pageerror', lambda error: errors.append(str(error)))
            support.sao_login(
                page, self.url, DATABASE, 'embassy', support.DEMO_PASSWORD)
            support.sao_open_menu(
                page, ROOT, NCIP, 'Attraction', 'Meetings')
            tab = page.locator('#tabcontent')
            row = tab.locator('.treeview tbody tr:visible', has_text=subject)
            row.first.wait_for()
            page.wait_for_timeout(1000)
            row.first.dblclick()
            button = tab.get_by_role('button', name='Create Initiative')
            button.first.wait_for()
            button.first.click()
            # A tab of its own, on the initiative's form, with the message
            page.locator('#tablist a', has_text='Initiatives').first \
                .wait_for()
            form = page.locator('#tabcontent .tab-pane.active')
            expect(form.locator('.infobar')).to_contain_text(
                re.compile('Initiative created: .*Next: .*akimat'))
            expect(self.field(form, 'Name')).to_have_value(subject)
            support.screenshot(page, 'menus_create_initiative')
            self.assertEqual(errors, [])
        Meeting = Model.get('ncip.meeting')
        self.assertTrue(Meeting(meeting.id).initiative)
