# This file is part of the KZ Investment Platform.
"""Browser test of the prosecutor filter (issue 6): the akimat of Astana
submits a restrictive measure, which is routed to the prosecutor's office of
Astana; prosecutor.astana approves it in sao and the measure is in effect.
The prosecutor of another region (Shymkent) does not see it.

Issue 19: prosecutor.astana rejects a measure from his "To Decide" list in
one dialog that asks the reason; the National Chamber decides a roadmap
from its own list and never sees a prosecutor's or an investor's line."""
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
                self._approve(page, number, other_number, measure_id)
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

    def _approve(self, page, number, other_number, measure_id):
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
        # Approving is final: its dialog asks to confirm
        confirm = page.locator('.modal-dialog:visible').last
        confirm.get_by_text('The decision is final').wait_for()
        support.screenshot(page, 'prosecutor_approve_confirm')
        confirm.get_by_role('button', name='Approve').click()
        self.wait_for(lambda: self.proteus().get('kz.approval').find([
                    ('origin', '=', 'prosecutor.measure,%s' % measure_id),
                    ('state', '=', 'approved')]),
            "the approval line was not approved")
        page.wait_for_timeout(500)
        dialogs = page.locator('.modal-dialog:visible')
        # Close the line's dialog (sao may already have closed it)
        if dialogs.count():
            dialogs.last.get_by_role(
                'button', name=re.compile('Close|OK|Apply|Cancel', re.I)
                ).first.click()
        expect(dialogs).to_have_count(0)

        # The measure follows its approval line
        tab.locator('button[title^="Reload"]:visible').first.click()
        for _ in range(10):
            tab.locator('button[title^="Reload"]:visible').first.click()
            try:
                expect(self.field(form, 'State')).to_have_value(
                    '"approved"', timeout=3000)
                break
            except AssertionError:
                pass
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

    def submit_measure(self, investor_name):
        """The akimat of Astana submits a contract termination against a
        new investor; return its id and number"""
        Model = self.proteus()
        Party = Model.get('party.party')
        investor = Party(name=investor_name)
        investor.save()
        Model = self.proteus('akimat.astana')
        Measure = Model.get('prosecutor.measure')
        Region = Model.get('kz.region')
        region, = Region.find([('code', '=', ASTANA)])
        measure = Measure(kind='contract_termination',
            investor=Model.get('party.party')(investor.id), region=region)
        measure.legal_grounds = (
            "Civil Code, art. 404: the land lease is terminated for "
            "non-use.")
        measure.save()
        measure.click('submit')
        return measure.id, measure.number

    def open_to_decide(self, page, login):
        support.sao_login(
            page, self.url, DATABASE, login, support.DEMO_PASSWORD)
        with page.expect_response(lambda r: '"model.kz.approval.read"' in (
                    r.request.post_data or '')):
            support.sao_open_menu(page, 'Investment Platform', 'To Decide')
        tab = page.locator('#tabcontent')
        return tab, tab.locator('.treeview tbody tr:visible')

    def click_row_button(self, page, row, label):
        """Click the button of the row: sao takes a click on the button of
        a row that is not selected as the row's selection"""
        button = row.locator('button', has_text=label)
        dialog = page.locator('.modal-dialog:visible').last
        for attempt in range(3):
            button.click()
            try:
                dialog.wait_for(timeout=5000)
                return dialog
            except Exception:
                if attempt == 2:
                    raise

    def test_prosecutor_rejects_in_one_dialog(self):
        """prosecutor.astana rejects a measure from "To Decide": one dialog
        asks the reason, its Reject button stays enabled once typed"""
        measure_id, number = self.submit_measure("Steppe Lime LLP")
        reason = "The termination notice was not served on the investor."
        with support.browser_page() as page:
            errors = []
            page.on('pageerror', lambda error: errors.append(str(error)))
            try:
                tab, rows = self.open_to_decide(page, 'prosecutor.astana')
                row = rows.filter(has_text=number).first
                row.wait_for()
                # What the line is about, without opening it
                for text in ["Restrictive Measure", "Contract Termination",
                        "Astana", "Steppe Lime LLP"]:
                    self.assertIn(text, row.inner_text())
                support.screenshot(page, 'approvals_prosecutor_to_decide')
                dialog = self.click_row_button(page, row, 'Reject')
                entry = self.field(dialog, 'Reason')
                entry.wait_for()
                # The dialog says what is rejected
                expect(dialog.locator('textarea').first).to_have_value(
                    re.compile(re.escape(number)))
                entry.fill(reason)
                reject = dialog.get_by_role('button', name='Reject')
                expect(reject).to_be_enabled()
                support.screenshot(page, 'approvals_prosecutor_reject')
                reject.click()
                expect(page.locator('.modal-dialog:visible')).to_have_count(0)
                # The list no longer holds the decided line
                expect(rows.filter(has_text=number)).to_have_count(0)
            except Exception:
                support.screenshot(page, 'approvals_prosecutor_failed')
                print('JavaScript errors:', errors)
                raise
            self.assertEqual(errors, [])
        Model = self.proteus()
        measure = Model.get('prosecutor.measure')(measure_id)
        self.assertEqual(measure.state, 'rejected')
        self.assertEqual(measure.decision_reason, reason)
        approval, = measure.approvals
        self.assertEqual(approval.decided_by.login, 'prosecutor.astana')

    def test_chamber_decides_roadmap(self):
        """atameken approves a roadmap from its "To Decide" list after
        confirming; it never sees a prosecutor's or an investor's line"""
        name = "Wind farm 50 MW"
        measure_id, number = self.submit_measure("Karaganda Coke LLP")
        Model = self.proteus('akimat.astana')
        Project = Model.get('ncip.project')
        project, = Project.find([('name', '=', name)])
        project.click('submit')
        Model = self.proteus()
        Approval = Model.get('kz.approval')
        hidden = Approval.find(['OR',
                ('organization.kind', 'in', ['prosecutor', 'investor',
                        'general_prosecutor']),
                ('origin', 'like', 'prosecutor.measure,%')])
        self.assertTrue(hidden)
        with support.browser_page() as page:
            errors = []
            page.on('pageerror', lambda error: errors.append(str(error)))
            try:
                tab, rows = self.open_to_decide(page, 'atameken')
                row = rows.filter(has_text=name).first
                row.wait_for()
                for text in ["Investment Project", project.number, "Astana",
                        "Qazaq Glass", "Pending"]:
                    self.assertIn(text, row.inner_text())
                self.assertEqual(rows.filter(has_text=number).count(), 0)
                self.assertEqual(tab.get_by_text("Prosecutor").count(), 0)
                support.screenshot(page, 'approvals_chamber_to_decide')
                dialog = self.click_row_button(page, row, 'Approve')
                dialog.get_by_text('The decision is final').wait_for()
                expect(dialog.locator('textarea').first).to_have_value(
                    re.compile(re.escape(name)))
                dialog.get_by_role('button', name='Approve').click()
                expect(page.locator('.modal-dialog:visible')).to_have_count(0)
                expect(rows.filter(has_text=name)).to_have_count(0)

                # The whole Approvals list: its own lines only
                # Its parent is open already
                support.menu_row(page, 'Approvals').dblclick()
                all_tab = page.locator('#tabcontent').get_by_role(
                    'tab', name=re.compile(r'^\s*All\b')).first
                all_tab.wait_for()
                page.wait_for_timeout(1000)
                all_tab.click()
                lines = page.locator(
                    '#tabcontent .treeview tbody tr:visible')
                lines.filter(has_text=name).first.wait_for()
                page.wait_for_timeout(1000)
                text = page.locator('#tabcontent').inner_text()
                self.assertNotIn("Prosecutor", text)
                self.assertNotIn(number, text)
                support.screenshot(page, 'approvals_chamber_all')
            except Exception:
                support.screenshot(page, 'approvals_chamber_failed')
                print('JavaScript errors:', errors)
                raise
            self.assertEqual(errors, [])
        line, = Approval.find([('origin', '=', 'ncip.project,%s' % project.id),
                ('organization.kind', '=', 'national_chamber'),
                ('state', '!=', 'cancelled')])
        self.assertEqual(line.state, 'approved')
        self.assertEqual(line.decided_by.login, 'atameken')
        # The server refuses atameken the lines it does not see
        Model = self.proteus('atameken')
        self.assertEqual(Model.get('kz.approval').find(
                [('id', 'in', [h.id for h in hidden])]), [])
