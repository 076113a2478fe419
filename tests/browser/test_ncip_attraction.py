# This file is part of the KZ Investment Platform.
"""Browser test: the embassy in Berlin records a meeting with an investor in
sao (with its indicative cost), creates its initiative and hands it over to
the akimat of Astana; it sees only its own initiatives, cannot use the
akimat's buttons and writes in the discussion of the initiative."""
import re
from decimal import Decimal

from playwright.sync_api import expect

from tests import support

DATABASE = 'test_browser_ncip1'


class SaoNcipAttractionTestCase(support.SaoTestCase):
    DATABASE = DATABASE
    MODULES = ['kz_base', 'kz_ncip']

    def save(self, page):
        page.locator('#tabcontent button[title^="Save"]:visible').first \
            .click()
        page.wait_for_timeout(1000)

    def fill_many2one(self, tab, label, text):
        "Type into a Many2One; pick the record if sao asks which one"
        page = tab.page
        entry = self.field(tab, label)
        entry.fill(text)
        entry.press('Tab')
        # sao may open its search dialog (once per event): pick the record
        for _ in range(3):
            page.wait_for_timeout(1500)
            dialog = page.locator('.modal-dialog:visible')
            if not dialog.count():
                break
            dialog.locator('tbody tr', has_text=text).first.dblclick()

    def new_record(self, tab):
        tab.locator('button[title^="New"]').first.click()

    def test_embassy_meeting_and_initiative(self):
        "embassy records a meeting, creates and hands over its initiative"
        with support.browser_page() as page:
            errors = []
            page.on('pageerror', lambda error: errors.append(str(error)))
            try:
                self._embassy_meeting_and_initiative(page)
            except Exception:
                support.screenshot(page, 'ncip1_failure')
                print('JavaScript errors:', errors)
                raise
            self.assertEqual(errors, [])

    def _embassy_meeting_and_initiative(self, page):
        subject = "Hydrogen plant in Astana"
        # An initiative of another embassy, which Berlin must not see
        Model = self.proteus()
        Organization = Model.get('kz.organization')
        Party = Model.get('party.party')
        china, = Organization.find([
                ('name', '=', "Embassy of Kazakhstan in China")])
        investor, = Party.find([('name', '=', "Green Wind GmbH")])
        other = Model.get('ncip.initiative')(
            name="Solar park of the Beijing embassy", organization=china,
            investor=investor)
        other.save()
        support.sao_login(
            page, self.url, DATABASE, 'embassy', support.DEMO_PASSWORD)
        menu = page.locator('#menu')
        support.sao_open_menu(
            page, 'Investment Platform', 'One Window (NCIP)',
            'Attraction', 'Meetings')
        tab = page.locator('#tabcontent')
        tab.get_by_text('Wind farm near Astana').first.wait_for()
        # The embassy uses Module 1 only: no settings
        self.assertEqual(
            menu.get_by_text('Settings', exact=True).count(), 0)
        self.new_record(tab)
        self.field(tab, 'Subject').wait_for()
        self.field(tab, 'Subject').fill(subject)
        self.fill_many2one(tab, 'Investor Company', 'Green Wind')
        self.field(tab, 'Place').fill("Hamburg")
        tab.locator('a:visible', has_text='Indicative Project').first.click()
        self.fill_number(tab, 'Indicative Cost', "2500000000.50")
        self.fill_many2one(tab, 'Region', 'Astana')
        self.field(tab, 'Industry').fill("20.11")
        self.save(page)
        Model = self.proteus()
        Meeting = Model.get('ncip.meeting')
        meeting = self.wait_for(
            lambda: Meeting.find([('subject', '=', subject)]),
            "the meeting was not saved")[0]
        self.assertEqual(meeting.organization.name,
            "Embassy of Kazakhstan in Germany")
        self.assertEqual(meeting.investor.name, "Green Wind GmbH")
        self.assertEqual(meeting.cost, Decimal('2500000000.50'))
        # sao shows the saved cost with the separators of the language
        expect(self.field(tab, 'Indicative Cost')).to_have_value(
            '2,500,000,000.50')
        support.screenshot(page, 'ncip1_embassy_meeting')

        tab.get_by_role('button', name='Create Initiative').click()
        meeting = self.wait_for(
            lambda: Meeting(meeting.id).initiative and Meeting(
                meeting.id), "no initiative was created")
        initiative = meeting.initiative
        self.assertEqual(initiative.state, 'draft')
        self.assertEqual(initiative.region.code, '710000000')
        self.assertEqual(initiative.cost, Decimal('2500000000.50'))

        support.sao_open_menu(page, 'Initiatives')
        tab.get_by_text('All', exact=True).first.wait_for()
        tab.get_by_text('All', exact=True).first.click()
        row = tab.locator('.treeview tbody tr:visible', has_text=subject).first
        row.wait_for()
        self.assertEqual(
            tab.get_by_text('Solar park of the Beijing embassy').count(),
            0)
        support.screenshot(page, 'ncip1_embassy_initiatives')
        page.wait_for_timeout(1500)
        row.dblclick()
        self.field(tab, 'Akimat').wait_for()
        support.screenshot(page, 'ncip1_embassy_initiative_form')
        tab.get_by_role('button', name='Hand over to Akimat').click()
        Initiative = Model.get('ncip.initiative')
        self.wait_for(
            lambda: Initiative(initiative.id).state == 'handed',
            "the initiative was not handed over")
        initiative = Model.get('ncip.initiative')(initiative.id)
        self.assertEqual(initiative.akimat.region.code, '710000000')
        self.assertTrue(initiative.due_date)
        # The akimat's buttons show for a handed initiative, but the
        # embassy cannot use them (ir.model.button groups)
        tab.get_by_role('button', name='Hand over to Akimat').wait_for(
            state='hidden')
        for name in ['Assign Officer', 'Extend', 'Return to Initiator',
                'Convert to Project']:
            button = tab.get_by_role('button', name=name)
            expect(button).to_be_visible()
            expect(button).to_be_disabled()
        support.screenshot(page, 'ncip1_embassy_handed')

        # The embassy writes in the discussion; sao shows when (a
        # Timestamp field of the comment form)
        text = "The investor asks about the grid connection"
        tab.locator('a:visible', has_text='Discussion').first.click()
        discussion = tab.locator('.form-one2many', has_text='Discussion')
        discussion.first.locator('button[title="New"]').click()
        dialog = page.locator('.modal-dialog:visible').last
        # sao fills the defaults of the new comment and displays it again:
        # type until the text stays
        expect(self.field(dialog, 'Author')).to_have_value(
            re.compile('Embassy, Berlin'))
        textarea = dialog.locator('textarea:visible').first
        for _ in range(10):
            textarea.fill(text)
            textarea.press('Tab')
            page.wait_for_timeout(1000)
            if textarea.input_value() == text:
                break
        dialog.get_by_role('button', name=re.compile('^Add$', re.I)).click()
        dialog.wait_for(state='detached')
        self.save(page)
        Comment = Model.get('ncip.initiative.comment')
        comment = self.wait_for(
            lambda: Comment.find([('initiative', '=', initiative.id)]),
            "the comment was not saved")[0]
        self.assertEqual(comment.text, text)
        self.assertEqual(comment.author.login, 'embassy')
        discussion.first.get_by_text(text).first.dblclick()
        dialog = page.locator('.modal-dialog:visible').last
        expect(self.field(dialog, 'Created at')).to_have_value(
            re.compile(r'^\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2}'))
        page.wait_for_timeout(500)
        support.screenshot(page, 'ncip1_embassy_comment')
