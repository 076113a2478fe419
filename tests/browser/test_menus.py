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
NCIP = 'One Window (NCIP)'

# The menus each role sees under the Investment Platform (whole folders
# by name, other entries by path); the administrator sees every folder
REFERENCE = [
    'Reference Data',
    'Reference Data / Organisations',
    'Reference Data / Organisations / All Organisations',
    'Reference Data / Priority Goods (Order No. 306)',
    'Reference Data / Regions',
    ]
ATTRACTION = [
    'One Window (NCIP) / Attraction',
    'One Window (NCIP) / Attraction / Initiatives',
    'One Window (NCIP) / Attraction / Investor Companies',
    'One Window (NCIP) / Attraction / Investor Contacts',
    'One Window (NCIP) / Attraction / Meetings',
    'One Window (NCIP) / Attraction / Visits',
    ]
PROGRAMMES = [
    'One Window (NCIP) / Investment Programmes',
    'One Window (NCIP) / Investment Programmes / Country Programme Updates',
    'One Window (NCIP) / Investment Programmes / Niche Project Data',
    ]
REPORTING = [
    'One Window (NCIP) / Reporting',
    'One Window (NCIP) / Reporting / Monitoring Plan',
    'One Window (NCIP) / Reporting / Monitoring Plan Revisions',
    'One Window (NCIP) / Reporting / Quarterly Reports',
    ]
DASHBOARD = [
    'One Window (NCIP) / Dashboard',
    'One Window (NCIP) / Dashboard / Deadline Calendar',
    'One Window (NCIP) / Dashboard / Deadline Changes',
    'One Window (NCIP) / Dashboard / Deadlines by Colour',
    'One Window (NCIP) / Dashboard / Deadlines by Region',
    'One Window (NCIP) / Dashboard / Quarterly Ratings',
    'One Window (NCIP) / Dashboard / Regional Rating',
    'One Window (NCIP) / Dashboard / Roadmap Tasks',
    ]
GREEN_CORRIDOR = [
    'One Window (NCIP) / Green Corridor',
    'One Window (NCIP) / Green Corridor / Green Corridor Decisions',
    'One Window (NCIP) / Green Corridor / Green-Corridor Projects',
    'One Window (NCIP) / Green Corridor / Project Problems',
    ]
TASK_FORCE = [
    'One Window (NCIP) / Task Force',
    'One Window (NCIP) / Task Force / Task Force Projects',
    ]
PROSECUTOR_FILTER = [
    'Prosecutor Filter',
    'Prosecutor Filter / Administrative Offence Cases',
    'Prosecutor Filter / Lawsuits',
    'Prosecutor Filter / Overdue Decisions',
    'Prosecutor Filter / Restrictive Measures',
    'Prosecutor Filter / Tax Audit Approvals',
    ]
DAMU = [
    'Damu Monitoring',
    'Damu Monitoring / Acts',
    'Damu Monitoring / Annex 4 Form (blank)',
    'Damu Monitoring / Annex 4 Uploads',
    'Damu Monitoring / Bank Monthly Reports',
    'Damu Monitoring / Contracts',
    'Damu Monitoring / Guarantee Report (Annex 5)',
    'Damu Monitoring / Guarantee Report Filings',
    'Damu Monitoring / Import Annex 4 Report',
    'Damu Monitoring / Monitoring Deadlines',
    'Damu Monitoring / Monitoring Plans',
    'Damu Monitoring / Monitorings',
    'Damu Monitoring / Notices',
    ]
MENUS = {
    'admin': {'Home', 'To Decide', 'Approvals', 'Damu Monitoring',
        'One Window (NCIP)', 'Prosecutor Filter', 'Reference Data',
        'Settings'},
    'akimat.astana': {
        'Home',
        'To Decide',
        'Approvals',
        'One Window (NCIP)',
        'One Window (NCIP) / Change Log',
        'One Window (NCIP) / Information Requests',
        'One Window (NCIP) / Issues and Proposals',
        'One Window (NCIP) / Project Change Requests',
        'One Window (NCIP) / Projects',
        'One Window (NCIP) / Register of Investors',
        'One Window (NCIP) / Suspensions and Exclusions',
        *REFERENCE, *ATTRACTION, *PROGRAMMES, *REPORTING, *DASHBOARD,
        *GREEN_CORRIDOR, *PROSECUTOR_FILTER},
    'atameken': {
        'Home',
        'To Decide',
        'Approvals',
        'One Window (NCIP)',
        'One Window (NCIP) / Change Log',
        'One Window (NCIP) / Information Requests',
        'One Window (NCIP) / Issues and Proposals',
        'One Window (NCIP) / Project Change Requests',
        'One Window (NCIP) / Projects',
        'One Window (NCIP) / Register of Investors',
        'One Window (NCIP) / Suspensions and Exclusions',
        *REFERENCE, *ATTRACTION, *DASHBOARD, *GREEN_CORRIDOR},
    'authorized': {
        'Home',
        'To Decide',
        'Approvals',
        'One Window (NCIP)',
        'One Window (NCIP) / Change Log',
        'One Window (NCIP) / Information Requests',
        'One Window (NCIP) / Investment Council Meetings',
        'One Window (NCIP) / Issues and Proposals',
        'One Window (NCIP) / Project Change Requests',
        'One Window (NCIP) / Projects',
        'One Window (NCIP) / Register of Investors',
        'One Window (NCIP) / Suspensions and Exclusions',
        *REFERENCE, *ATTRACTION, *PROGRAMMES, *REPORTING, *DASHBOARD,
        *GREEN_CORRIDOR, *TASK_FORCE, *PROSECUTOR_FILTER},
    'bank': {
        'Home',
        'Damu Monitoring',
        'Damu Monitoring / Annex 4 Form (blank)',
        'Damu Monitoring / Annex 4 Uploads',
        'Damu Monitoring / Bank Monthly Reports',
        'Damu Monitoring / Contracts',
        'Damu Monitoring / Import Annex 4 Report',
        'Damu Monitoring / Monitorings',
        'Damu Monitoring / Notices Received',
        *REFERENCE},
    'council': {
        'Home',
        'To Decide',
        'Approvals',
        'One Window (NCIP)',
        'One Window (NCIP) / Change Log',
        'One Window (NCIP) / Investment Council Meetings',
        'One Window (NCIP) / Issues and Proposals',
        'One Window (NCIP) / Project Change Requests',
        'One Window (NCIP) / Projects',
        'One Window (NCIP) / Register of Investors',
        'One Window (NCIP) / Suspensions and Exclusions',
        *REFERENCE, *DASHBOARD, *GREEN_CORRIDOR},
    'damu.commission': {
        'Home',
        'Damu Monitoring',
        'Damu Monitoring / Contracts',
        'Damu Monitoring / Monitorings',
        'Damu Monitoring / Notices Received',
        *REFERENCE},
    'damu.coordinator': {
        'Home',
        'Damu Monitoring',
        'Damu Monitoring / Contracts',
        'Damu Monitoring / Monitorings',
        'Damu Monitoring / Notices Received',
        *REFERENCE},
    'damu.manager': {
        'Home',
        *REFERENCE, *DAMU},
    'damu.officer': {
        'Home',
        *REFERENCE, *DAMU},
    'embassy': {
        'Home',
        'To Decide',
        'Approvals',
        'One Window (NCIP)',
        'One Window (NCIP) / Information Requests',
        'One Window (NCIP) / Reporting',
        'One Window (NCIP) / Reporting / Quarterly Reports',
        *REFERENCE, *ATTRACTION, *PROGRAMMES},
    'genprosecutor': {
        'Home',
        'To Decide',
        'Approvals',
        'One Window (NCIP)',
        'One Window (NCIP) / Change Log',
        'One Window (NCIP) / Issues and Proposals',
        'One Window (NCIP) / Project Change Requests',
        'One Window (NCIP) / Projects',
        'One Window (NCIP) / Register of Investors',
        'One Window (NCIP) / Suspensions and Exclusions',
        *REFERENCE, *DASHBOARD, *GREEN_CORRIDOR, *PROSECUTOR_FILTER},
    'investor.qazaqglass': {
        'Home',
        'One Window (NCIP) / Dashboard / Deadline Calendar',
        'One Window (NCIP) / Dashboard / Deadlines by Colour',
        'One Window (NCIP) / Dashboard / Deadlines by Region',
        'To Decide',
        'Approvals',
        'One Window (NCIP)',
        'One Window (NCIP) / Change Log',
        'One Window (NCIP) / Dashboard',
        'One Window (NCIP) / Dashboard / Deadline Changes',
        'One Window (NCIP) / Dashboard / Roadmap Tasks',
        'One Window (NCIP) / Green Corridor',
        'One Window (NCIP) / Green Corridor / Green-Corridor Projects',
        'One Window (NCIP) / Information Requests',
        'One Window (NCIP) / Issues and Proposals',
        'One Window (NCIP) / Project Change Requests',
        'One Window (NCIP) / Projects',
        'One Window (NCIP) / Suspensions and Exclusions',
        *REFERENCE, *PROSECUTOR_FILTER},
    'kazinvest': {
        'Home',
        'To Decide',
        'Approvals',
        'One Window (NCIP)',
        'One Window (NCIP) / Change Log',
        'One Window (NCIP) / Information Requests',
        'One Window (NCIP) / Issues and Proposals',
        'One Window (NCIP) / Project Change Requests',
        'One Window (NCIP) / Projects',
        'One Window (NCIP) / Register of Investors',
        'One Window (NCIP) / Suspensions and Exclusions',
        *REFERENCE, *ATTRACTION, *PROGRAMMES, *REPORTING, *DASHBOARD,
        *GREEN_CORRIDOR},
    'ministry': {
        'Home',
        'To Decide',
        'Approvals',
        'One Window (NCIP)',
        'One Window (NCIP) / Change Log',
        'One Window (NCIP) / Information Requests',
        'One Window (NCIP) / Issues and Proposals',
        'One Window (NCIP) / Project Change Requests',
        'One Window (NCIP) / Projects',
        'One Window (NCIP) / Register of Investors',
        'One Window (NCIP) / Suspensions and Exclusions',
        *REFERENCE, *ATTRACTION, *PROGRAMMES, *DASHBOARD, *GREEN_CORRIDOR,
        *PROSECUTOR_FILTER},
    'prosecutor.astana': {
        'Home',
        'To Decide',
        'Approvals',
        'One Window (NCIP)',
        'One Window (NCIP) / Change Log',
        'One Window (NCIP) / Issues and Proposals',
        'One Window (NCIP) / Project Change Requests',
        'One Window (NCIP) / Projects',
        'One Window (NCIP) / Register of Investors',
        'One Window (NCIP) / Suspensions and Exclusions',
        *REFERENCE, *DASHBOARD, *GREEN_CORRIDOR, *PROSECUTOR_FILTER},
    'taskforce': {
        'Home',
        'To Decide',
        'Approvals',
        'One Window (NCIP)',
        'One Window (NCIP) / Change Log',
        'One Window (NCIP) / Investment Council Meetings',
        'One Window (NCIP) / Issues and Proposals',
        'One Window (NCIP) / Project Change Requests',
        'One Window (NCIP) / Projects',
        'One Window (NCIP) / Register of Investors',
        'One Window (NCIP) / Suspensions and Exclusions',
        *REFERENCE, *DASHBOARD, *GREEN_CORRIDOR, *TASK_FORCE},
    }


class SaoMenusTestCase(support.SaoTestCase):
    DATABASE = DATABASE

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The server loads the database on its first call: not in sao's
        # login dialog, which waits less on a busy machine
        cls.rpc_menus('admin', support.ADMIN_PASSWORD)

    @classmethod
    def rpc_menus(cls, login, password):
        "Return the complete names of the menus the user gets over RPC"
        url = f'{cls.url}{DATABASE}/rpc/'

        def call(method, params, auth=None):
            request = urllib.request.Request(url, data=json.dumps({
                        'id': 0, 'method': method, 'params': params,
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
                top = {n for n in names if ' / ' not in n}
                # Tryton's parties are the administrator's
                self.assertEqual('Parties' in top, login == 'admin')
                if login == 'admin':
                    # Tryton's companies duplicate the organisations and
                    # the currencies are reference data
                    self.assertNotIn('Companies', top)
                    self.assertNotIn('Currencies', top)
                    self.assertIn('Reference Data / Currencies', platform)
                    organisations = [n for n in platform
                        if n.split(' / ')[-1] == 'Organisations']
                    self.assertEqual(len(organisations), 1, organisations)
                    platform = {n.split(' / ')[0] for n in platform}
                self.assertEqual(platform, expected)

    def test_embassy_menu_in_sao(self):
        "sao shows the embassy the folders of its table, no empty one"
        ncip = NCIP + ' / '
        shown = {n.split(' / ')[0] for n in MENUS['embassy']} | {
            n[len(ncip):] for n in MENUS['embassy']
            if n.startswith(ncip) and n.count(' / ') == 1}
        with support.browser_page() as page:
            support.sao_login(
                page, self.url, DATABASE, 'embassy', support.DEMO_PASSWORD)
            support.sao_open_menu(page, ROOT, NCIP, 'Attraction', 'Meetings')
            page.locator('#tabcontent .treeview').first.wait_for()
            menu = page.locator('#menu')
            for name in sorted(shown):
                expect(support.menu_row(page, name)).to_be_visible()
            for name in ['Prosecutor Filter', 'Damu Monitoring', 'Settings',
                    'Projects', 'Dashboard', 'Suspensions and Exclusions',
                    'Green Corridor', 'Parties']:
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
            try:
                self._create_initiative(page, subject)
            except Exception:
                support.screenshot(page, 'menus_create_initiative_failure')
                print('JavaScript errors:', errors)
                raise
            self.assertEqual(errors, [])
        Meeting = Model.get('ncip.meeting')
        self.assertTrue(Meeting(meeting.id).initiative)

    def _create_initiative(self, page, subject):
        support.sao_login(
            page, self.url, DATABASE, 'embassy', support.DEMO_PASSWORD)
        support.sao_open_menu(
            page, ROOT, NCIP, 'Attraction', 'Meetings')
        tab = page.locator('#tabcontent')
        row = tab.locator('.treeview tbody tr:visible', has_text=subject)
        row.first.wait_for()
        page.wait_for_timeout(1500)
        # On the subject: the middle of the row is the investor's link
        row.first.get_by_text(subject).dblclick()
        self.field(tab, 'Subject').wait_for()
        expect(self.field(tab, 'Subject')).to_have_value(subject)
        button = tab.get_by_role('button', name='Create Initiative')
        button.first.click()
        # A tab of its own, on the initiative's form, with the message
        page.locator('#tablist a', has_text='Initiatives').first \
            .wait_for()
        form = page.locator('#tabcontent .tab-pane.active')
        expect(form.locator('.infobar')).to_contain_text(
            re.compile('Initiative created: .*Next: .*akimat'))
        expect(self.field(form, 'Name')).to_have_value(subject)
        support.screenshot(page, 'menus_create_initiative')
