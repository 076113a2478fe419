# This file is part of the KZ Investment Platform.
"""Browser test of the prosecutor filter (issue 6): the akimat of Astana
submits a restrictive measure, which is routed to the prosecutor's office of
Astana; prosecutor.astana approves it in sao and the measure is in effect.
The prosecutor of another region (Shymkent) does not see it."""
import re
from decimal import Decimal

from playwright.sync_api import expect

from tests import support

DATABASE = 'test_browser_prosecutor'
ASTANA = '710000000'
SHYMKENT = '790000000'


class SaoProsecutorTestCase(support.SaoTestCase):
    DATABASE = DATABASE
    MODULES = ['kz_prosecutor_filter']

    def prepare(self):
        """Two projects, in Astana and Shymkent; each akimat submits a
        measure against its investor; a prosecutor user for Shymkent"""
        Model = self.proteus()
        Region = Model.get('kz.region')
        Organization = Model.get('kz.organization')
        Party = Model.get('party.party')
        Project = Model.get('ncip.project')
        User = Model.get('res.user')
        Role = Model.get('res.role')
        regions = {r.code: r for r in Region.find(
                [('code', 'in', [ASTANA, SHYMKENT])])}
        offices = {}
        for code, region in regions.items():
            offices[code], = Organization.find([
                    ('kind', '=', 'prosecutor'), ('region', '=', region.id)])
        projects = {}
        for code, investor_name, project_name in [
                (ASTANA, "Nur Cement JSC", "Clinker kiln line"),
                (SHYMKENT, "South Textile LLP", "Cotton yarn mill")]:
            investor = Party(name=investor_name)
            investor.save()
            project = Project(
                name=project_name, investor=investor, region=regions[code],
                cost=Decimal('900000000'))
            project.save()
            projects[code] = project
        role, = Role.find([('name', '=', "Regional Prosecutor")])
        user = User(login='prosecutor.shymkent',
            name="Prosecutor, Shymkent", password=support.DEMO_PASSWORD)
        user.kz_organization = offices[SHYMKENT]
        user.roles.new(role=role)
        user.save()

        measures = {}
        for code, login, kind in [
                (ASTANA, 'akimat.astana', 'suspension_activity'),
                (SHYMKENT, 'akimat.shymkent', 'contract_termination')]:
            Model = self.proteus(login)
            Measure = Model.get('prosecutor.measure')
            project = Model.get('ncip.project')(projects[code].id)
            measure = Measure(kind=kind, investor=project.investor)
            measure.project = project
            measure.legal_grounds = (
                "Entrepreneurial Code, art. 144: activity suspended after "
                "an inspection.")
            measure.save()
            measure.click('submit')
            self.assertEqual(measure.state, 'submitted')
            # Routed to the prosecutor's office of the project's region
            self.assertEqual(measure.prosecutor.id, offices[code].id)
            measures[code] = (measure.id, measure.number)
        return measures

    def test_regional_prosecutor_approves_measure(self):
        "prosecutor.astana approves a measure of the akimat; it is in effect"
        measures = self.prepare()
        measure_id, number = measures[ASTANA]
        _, other_number = measures[SHYMKENT]
        with support.browser_page() as page:
            errors = []
            page.on('pageerror', lambda error: errors.append(str(error)))
            try:
                self._approve(page, number, other_number)
            except Exception:
                support.screenshot(page, 'prosecutor_failure')
                print('JavaScript errors:', errors)
                raise
            self.assertEqual(errors, [])
        with support.browser_page() as page:
            try:
                self._other_region(page, number, other_number)
            except Exception:
                support.screenshot(page, 'prosecutor_other_failure')
                raise

        # In the database: approved by prosecutor.astana, in effect and
        # listed on the project
        Model = self.proteus()
        measure = Model.get('prosecutor.measure')(measure_id)
        self.assertEqual(measure.state, 'approved')
        self.assertTrue(measure.in_effect)
        self.assertTrue(measure.decision_date)
        approval, = measure.approvals
        self.assertEqual(approval.state, 'approved')
        self.assertEqual(approval.decided_by.login, 'prosecutor.astana')
        self.assertIn(measure, measure.project.restrictive_measures)
        self.assertEqual(
            Model.get('prosecutor.measure').find([
                    ('in_effect', '=', True), ('id', '=', measure_id)]),
            [measure])

        # The prosecutor of Shymkent does not see it (record rule)
        Model = self.proteus('prosecutor.shymkent')
        Measure = Model.get('prosecutor.measure')
        self.assertEqual(Measure.find([('id', '=', measure_id)]), [])
        self.assertEqual(
            [m.number for m in Measure.find([])], [other_number])

    def _approve(self, page, number, other_number):
        support.sao_login(
            page, self.url, DATABASE, 'prosecutor.astana',
            support.DEMO_PASSWORD)
        support.sao_open_menu(
            page, 'Investment Platform', 'Prosecutor Filter',
            'Restrictive Measures')
        tab = page.locator('#tabcontent')
        rows = tab.locator('.treeview tbody tr:visible')
        # The "Submitted" tab comes first
        row = rows.filter(has_text=number).first
        row.wait_for()
        self.assertIn("Nur Cement JSC", row.inner_text())
        self.assertEqual(rows.filter(has_text=other_number).count(), 0)
        self.assertEqual(tab.get_by_text('South Textile LLP').count(), 0)
        support.screenshot(page, 'prosecutor_measures')
        page.wait_for_timeout(1000)
        row.dblclick()

        form = tab.locator('.form').last
        self.field(form, 'Legal Grounds').wait_for()
        expect(self.field(form, 'Number')).to_have_value(number)
        # The approval line of the office, in the Approvals list (sao
        # shows the rows of a One2Many on demand)
        approvals = form.locator('.form-one2many', has_text='Approvals').first
        approvals.scroll_into_view_if_needed()
        more = approvals.locator('button:visible', has_text='More')
        line = approvals.locator(
            '.treeview tbody tr:visible', has_text='Pending').first
        for _ in range(20):
            if line.count():
                break
            # sao redraws the list while it loads the form
            try:
                more.first.click(timeout=2000)
            except Exception:
                pass
            page.wait_for_timeout(500)
        line.wait_for()
        self.assertIn("Prosecutor's Office — Astana", line.inner_text())
        line.dblclick()

        dialog = page.locator('.modal-dialog:visible').last
        approve = dialog.locator('button:visible', has_text='Approve').first
        approve.wait_for()
        support.screenshot(page, 'prosecutor_approval_line')
        approve.click()
        # The line is decided: the buttons go, who and when show
        approve.wait_for(state='hidden')
        expect(self.field(dialog, 'Decided by')).to_have_value(
            re.compile('Prosecutor, Astana'))
        # A DateTime field of sao 8.0.11
        expect(self.field(dialog, 'Decided on')).to_have_value(
            re.compile(r'^\d{2}/\d{2}/\d{4} \d{2}:\d{2}'))
        dialog.get_by_role(
            'button', name=re.compile('Apply|OK', re.I)).first.click()
        dialog.wait_for(state='hidden')

        # The measure follows its approval line
        tab.locator('button[title^="Reload"]:visible').first.click()
        expect(self.field(form, 'State')).to_have_value('"approved"')
        expect(self.field(form, 'In Effect')).to_be_checked()
        expect(self.field(form, 'Decided On')).not_to_have_value('')
        self.assertEqual(form.locator(
                'button:visible', has_text='Return for Rework').count(), 0)
        support.screenshot(page, 'prosecutor_approved')

    def _other_region(self, page, number, other_number):
        "prosecutor.shymkent sees the Shymkent measure, not the Astana one"
        support.sao_login(
            page, self.url, DATABASE, 'prosecutor.shymkent',
            support.DEMO_PASSWORD)
        support.sao_open_menu(
            page, 'Investment Platform', 'Prosecutor Filter',
            'Restrictive Measures')
        tab = page.locator('#tabcontent')
        tab.get_by_text('All', exact=True).first.wait_for()
        page.wait_for_timeout(1000)
        tab.get_by_text('All', exact=True).first.click()
        rows = tab.locator('.treeview tbody tr:visible')
        rows.filter(has_text=other_number).first.wait_for()
        page.wait_for_timeout(1500)
        self.assertEqual(rows.count(), 1)
        self.assertEqual(rows.filter(has_text=number).count(), 0)
        self.assertEqual(tab.get_by_text('Nur Cement JSC').count(), 0)
        support.screenshot(page, 'prosecutor_other_region')
