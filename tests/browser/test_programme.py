# This file is part of the KZ Investment Platform.
"""Browser test of the investment programmes (N-30): the akimat of Astana
forms its regional investment programme in sao (kind, region and
organisation from its organisation), adds an investment niche and submits
it; the authorized body approves it in sao. The akimat of Shymkent does not
see it."""
import re
from decimal import Decimal

from playwright.sync_api import expect

from tests import support

DATABASE = 'test_browser_programme'
ASTANA = '710000000'
SHYMKENT = '790000000'
# The demo data has the draft programme of Astana for 2027: one regional
# programme per region and year, so the test forms the one of 2028
DEMO_NAME = "Regional investment programme of Astana 2027"
NAME = "Regional investment programme of Astana 2028"
YEAR = 2028
NICHE = "Solar panel assembly plant"
INDUSTRY = "27.90"
AMOUNT = Decimal('12000000000')


class SaoProgrammeTestCase(support.SaoTestCase):
    DATABASE = DATABASE
    MODULES = ['kz_base', 'kz_ncip']

    def find_programme(self, user='admin'):
        Model = self.proteus(user)
        return Model.get('ncip.investment.programme').find(
            [('name', '=', NAME)])

    def test_akimat_submits_authorized_approves(self):
        "akimat.astana forms and submits its programme; authorized approves"
        with support.browser_page() as page:
            errors = []
            page.on('pageerror', lambda error: errors.append(str(error)))
            try:
                self._submit(page)
            except Exception:
                support.screenshot(page, 'programme_akimat_failure')
                print('JavaScript errors:', errors)
                raise
            self.assertEqual(errors, [])

        programme, = self.find_programme()
        self.assertEqual(programme.state, 'submitted')
        self.assertEqual(programme.submitted_by.login, 'akimat.astana')
        self.assertTrue(programme.submitted_date)

        with support.browser_page() as page:
            errors = []
            page.on('pageerror', lambda error: errors.append(str(error)))
            try:
                self._approve(page)
            except Exception:
                support.screenshot(page, 'programme_authorized_failure')
                print('JavaScript errors:', errors)
                raise
            self.assertEqual(errors, [])

        # In the database: submitted by the akimat, approved by the
        # authorized body, with the niche typed in sao
        programme, = self.find_programme()
        programme_id = programme.id
        self.assertEqual(programme.state, 'approved')
        self.assertEqual(programme.kind, 'regional')
        self.assertEqual(programme.year, YEAR)
        self.assertEqual(programme.region.code, ASTANA)
        self.assertEqual(programme.organization.kind, 'akimat')
        self.assertEqual(programme.organization.region.code, ASTANA)
        self.assertEqual(programme.submitted_by.login, 'akimat.astana')
        self.assertEqual(programme.approved_by.login, 'authorized')
        self.assertTrue(programme.approved_date)
        self.assertGreaterEqual(
            programme.approved_date, programme.submitted_date)
        line, = programme.lines
        self.assertEqual(line.name, NICHE)
        self.assertEqual(line.industry, INDUSTRY)
        self.assertEqual(line.planned_amount, AMOUNT)
        self.assertIsNone(line.project)
        self.assertEqual(programme.planned_amount, AMOUNT)
        # The demo programme of 2027 is still a draft
        demo, = self.proteus().get('ncip.investment.programme').find(
            [('name', '=', DEMO_NAME)])
        self.assertEqual(demo.state, 'draft')

        # The akimat of Shymkent does not see it (record rule)
        from trytond.model.exceptions import AccessError
        Model = self.proteus('akimat.shymkent')
        Programme = Model.get('ncip.investment.programme')
        Line = Model.get('ncip.investment.programme.line')
        self.assertEqual(Programme.find([('id', '=', programme_id)]), [])
        self.assertEqual(Programme.find([('name', '=', NAME)]), [])
        visible = Programme.find([])
        self.assertNotIn(programme_id, [p.id for p in visible])
        self.assertEqual(
            {p.region.code for p in visible} - {SHYMKENT}, set())
        self.assertEqual(Line.find([('programme', '=', programme_id)]), [])
        with self.assertRaises(AccessError):
            Programme(programme_id).name
        # While the akimat of Astana does
        self.assertEqual(
            [p.id for p in self.find_programme('akimat.astana')],
            [programme_id])

    def _submit(self, page):
        support.sao_login(
            page, self.url, DATABASE, 'akimat.astana', support.DEMO_PASSWORD)
        support.sao_open_menu(
            page, 'Investment Platform', 'One Window (NCIP)',
            'Investment Programmes')
        tab = page.locator('#tabcontent')
        # The "Draft" tab comes first, with the demo programme
        tab.locator('.treeview tbody tr:visible',
            has_text=DEMO_NAME).first.wait_for()
        support.screenshot(page, 'programme_akimat_list')
        page.wait_for_timeout(1000)
        tab.locator('button[title^="New"]').first.click()

        form = tab.locator('.form').last
        self.field(form, 'Name').wait_for()
        # The kind, region and organisation of the akimat by default
        expect(self.field(form, 'Kind')).to_have_value('"regional"')
        expect(self.field(form, 'Responsible Organisation')).to_have_value(
            'Akimat — Astana')
        expect(self.field(form, 'Region')).to_have_value('Astana')
        expect(self.field(form, 'State')).to_have_value('"draft"')
        # A regional programme has no country
        self.assertEqual(form.locator(
                'input[name=country]:visible').count(), 0)
        self.field(form, 'Name').fill(NAME)
        self.fill_number(form, 'Year', str(YEAR))

        # One niche in the editable list of projects and niches
        lines = form.locator(
            '.form-one2many', has_text='Projects and Niches').first
        lines.locator('button[title^="New"]').first.click()
        row = lines.locator('.treeview tbody tr').first
        name = row.locator('input[name=name]')
        name.wait_for()
        name.fill(NICHE)
        name.press('Tab')
        industry = row.locator('input[name=industry]')
        industry.fill(INDUSTRY)
        industry.press('Tab')
        row.locator('input[name=planned_amount]:visible').click()
        amount = row.locator('input[name=planned_amount][type=number]')
        amount.fill(str(AMOUNT))
        amount.press('Tab')
        page.wait_for_timeout(500)
        tab.locator('button[title^="Save"]:visible').first.click()

        programme = self.wait_for(self.find_programme,
            "the programme was not saved")[0]
        self.assertEqual(programme.state, 'draft')
        self.assertEqual(len(programme.lines), 1)
        # The total and the deadline of 15 January of the year
        expect(self.field(form, 'Planned Investment')).to_have_value(
            '12,000,000,000.00')
        expect(self.field(form, 'Due Date')).to_have_value(
            '01/15/%s' % YEAR)
        lines.locator('.treeview tbody tr:visible',
            has_text=NICHE).first.wait_for()
        support.screenshot(page, 'programme_akimat_saved')

        submit = form.locator('button:visible', has_text='Submit for Approval')
        submit.first.click()
        expect(self.field(form, 'State')).to_have_value('"submitted"')
        submit.first.wait_for(state='hidden')
        self.wait_for(
            lambda: self.find_programme()[0].state == 'submitted',
            "the programme was not submitted")
        # The akimat cannot decide: the buttons of the authorized body
        # show, disabled (ir.model.button groups)
        for name in ['Approve', 'Send Back']:
            button = form.get_by_role('button', name=name)
            expect(button).to_be_visible()
            expect(button).to_be_disabled()
        form.locator('a:visible', has_text='Review').first.click()
        expect(self.field(form, 'Submitted by')).to_have_value(
            re.compile('Akimat of Astana'))
        support.screenshot(page, 'programme_akimat_submitted')

    def _approve(self, page):
        support.sao_login(
            page, self.url, DATABASE, 'authorized', support.DEMO_PASSWORD)
        support.sao_open_menu(
            page, 'Investment Platform', 'One Window (NCIP)',
            'Investment Programmes')
        tab = page.locator('#tabcontent')
        tab.get_by_text('All', exact=True).first.wait_for()
        page.wait_for_timeout(1000)
        # The tab shows its count: "Submitted 1"
        tab.get_by_role('tab', name=re.compile(r'^\s*Submitted')).first \
            .click()
        rows = tab.locator('.treeview tbody tr:visible')
        row = rows.filter(has_text=NAME).first
        row.wait_for()
        page.wait_for_timeout(1000)
        # The demo draft is not in the Submitted tab
        self.assertEqual(rows.filter(has_text=DEMO_NAME).count(), 0)
        support.screenshot(page, 'programme_authorized_list')
        row.dblclick()

        form = tab.locator('.form').last
        self.field(form, 'Name').wait_for()
        expect(self.field(form, 'Name')).to_have_value(NAME)
        expect(self.field(form, 'State')).to_have_value('"submitted"')
        approve = form.locator('button:visible', has_text='Approve').first
        expect(approve).to_be_enabled()
        approve.click()
        # The button asks for a confirmation
        dialog = page.locator('.modal-dialog:visible').last
        dialog.get_by_text('Approve the programme?').wait_for()
        support.screenshot(page, 'programme_authorized_confirm')
        dialog.get_by_role('button', name='OK').click()
        dialog.wait_for(state='hidden')

        expect(self.field(form, 'State')).to_have_value('"approved"')
        for name in ['Approve', 'Send Back']:
            form.locator('button:visible', has_text=name).first.wait_for(
                state='hidden')
        self.wait_for(
            lambda: self.find_programme()[0].state == 'approved',
            "the programme was not approved")
        form.locator('a:visible', has_text='Review').first.click()
        expect(self.field(form, 'Approved by')).to_have_value(
            re.compile('Investment Committee'))
        expect(self.field(form, 'Approval Date')).to_have_value(
            re.compile(r'^\d{2}/\d{2}/\d{4}$'))
        # Approved: no longer editable
        expect(self.field(form, 'Name')).not_to_be_editable()
        support.screenshot(page, 'programme_authorized_approved')
