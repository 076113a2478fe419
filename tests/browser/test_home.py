# This file is part of the KZ Investment Platform.
"""Browser test: each role lands on its home page at login, sees only the
counters that concern it, and each figure is the number of rows of the
list it opens.  Also takes the README's screenshots (the home page, the
Kazakh client) into docs/ when KZ_DOCS_SCREENSHOTS is set."""
import os
import re
import shutil

from tests import support

DATABASE = 'test_browser_home'

# The counters (kz.home.counter) each demo role sees on its home page
ROLE_COUNTERS = {
    'akimat.astana': {
        'Initiatives to handle', 'Projects to prepare and submit',
        'Measures returned for rework', 'Overdue initiatives',
        'Initiatives due soon', 'Overdue roadmap tasks',
        'Roadmap tasks due soon'},
    'atameken': {
        'Approvals to decide', 'Roadmap tasks to validate',
        'Overdue roadmap tasks', 'Roadmap tasks due soon'},
    'authorized': {
        'Projects to verify', 'Visits to approve',
        'Deadline changes to decide', 'Project changes to decide',
        'Overdue roadmap tasks', 'Roadmap tasks due soon'},
    'embassy': {
        'Initiatives in draft or returned', 'Overdue initiatives',
        'Initiatives due soon'},
    'prosecutor.astana': {
        'Measures to decide', 'Overdue measure decisions',
        'Measure decisions due soon'},
    'damu.officer': {
        'Monitorings in progress', 'Notices to send',
        'Overdue monitoring deadlines', 'Monitoring deadlines due soon',
        'Overdue bank reports', 'Bank reports due soon',
        'Annex 4 imports in progress'},
    'bank': {
        'Overdue bank reports', 'Bank reports due soon',
        'Notices to acknowledge', 'Annex 4 imports in progress'},
    }


class HomeTestCase(support.SaoTestCase):
    DATABASE = DATABASE
    MODULES = None

    @staticmethod
    def tab_name(page):
        "The name of the active tab (after its close button)"
        return page.locator('#tablist li.active').inner_text() \
            .strip().splitlines()[-1].strip()

    def home_rows(self, page):
        "Return {counter name: figure} of the home page's list"
        tab = page.locator('#tabcontent .tab-pane.active')
        rows = tab.locator('.treeview tbody tr:visible')
        rows.first.wait_for()
        # The figures come with the rows' function fields
        page.wait_for_function('''() => {
            const rows = document.querySelectorAll(
                '#tabcontent .tab-pane.active .treeview tbody tr');
            return rows.length && Array.from(rows).every(
                r => r.querySelectorAll('td').length > 3);
        }''')
        cells = page.evaluate('''() => Array.from(document.querySelectorAll(
                '#tabcontent .tab-pane.active .treeview tbody tr'))
            .filter(r => r.offsetParent)
            .map(r => Array.from(r.querySelectorAll('td'))
                .filter(td => !td.querySelector('button'))
                .map(td => td.innerText.trim())
                .filter(t => t.length))''')
        result = {}
        for texts in cells:
            figure = texts[-1] if re.fullmatch(r'[\d\s\u00a0]+', texts[-1]) \
                else None
            name = texts[-2] if figure is not None else texts[-1]
            result[name] = int(re.sub(r'\D', '', figure)) \
                if figure is not None else None
        return result

    def open_counter(self, page, name):
        "Double-click the counter; return the rows of the list it opens"
        tab = page.locator('#tabcontent .tab-pane.active')
        tab.locator('.treeview tbody tr:visible', has_text=name) \
            .first.dblclick()
        title = page.locator('#tablist li.active', has_text=name)
        title.wait_for()
        listing = page.locator('#tabcontent .tab-pane.active')
        listing.locator('.treeview').first.wait_for()
        # The list is loaded when sao shows its record count
        page.wait_for_timeout(1500)
        return listing.locator('.treeview tbody tr:visible').count()

    def test_each_role_home_page(self):
        "Each role lands on its home page; its figures match its lists"
        for login, expected in ROLE_COUNTERS.items():
            with self.subTest(login=login), support.browser_page() as page:
                support.sao_login(page, self.url, DATABASE, login,
                    support.DEMO_PASSWORD, home=True)
                self.assertEqual(self.tab_name(page), 'Home')
                figures = self.home_rows(page)
                support.screenshot(page, f'home_{login}')
                self.assertEqual(set(figures), expected, f"{login}: {figures}")
                self.assertTrue(all(isinstance(f, int)
                        for f in figures.values()), figures)
                # The first counter with records opens exactly them
                name = next((n for n in sorted(figures) if figures[n]),
                    sorted(figures)[0])
                self.assertEqual(
                    self.open_counter(page, name), figures[name],
                    f"{login}: {name}")
                if login == 'atameken':
                    self.check_approvals(figures['Approvals to decide'])
                if login == 'akimat.astana' and os.environ.get(
                        'KZ_DOCS_SCREENSHOTS'):
                    self.save_doc('home-page', f'home_{login}')

    def check_approvals(self, figure):
        "The chamber's figure is its pending approval lines, as admin counts"
        Model = self.proteus()
        User = Model.get('res.user')
        Approval = Model.get('kz.approval')
        user, = User.find([('login', '=', 'atameken')])
        self.assertEqual(figure, len(Approval.find([
                        ('state', '=', 'pending'),
                        ('organization', '=', user.kz_organization.id),
                        ])))

    def test_kazakh_home_page(self):
        "The Kazakh client's home page speaks Kazakh"
        Model = self.proteus()
        User = Model.get('res.user')
        Lang = Model.get('ir.lang')
        user, = User.find([('login', '=', 'akimat.astana')])
        user.language, = Lang.find([('code', '=', 'kk')])
        user.save()
        try:
            with support.browser_page() as page:
                support.sao_login(page, self.url, DATABASE, 'akimat.astana',
                    support.DEMO_PASSWORD, home=True)
                self.assertEqual(self.tab_name(page), 'Басты бет')
                figures = self.home_rows(page)
                self.assertIn('Қарауға арналған бастамалар', figures)
                # sao's own strings too: the home page opens in Kazakh
                search = page.locator('#tabcontent .tab-pane.active '
                    '.screen-container input.form-control').first
                self.assertEqual(search.get_attribute('placeholder'), 'Іздеу')
                support.screenshot(page, 'home_kk')
                if os.environ.get('KZ_DOCS_SCREENSHOTS'):
                    self.save_doc('kazakh-client', 'home_kk')
        finally:
            user.language, = Lang.find([('code', '=', 'en')])
            user.save()

    def save_doc(self, name, artifact):
        shutil.copy(os.path.join(support.ARTIFACTS, f'{artifact}.png'),
            os.path.join(support.ROOT, 'docs', f'{name}.png'))
