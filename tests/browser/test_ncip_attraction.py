# This file is part of the KZ Investment Platform.
"""Browser tests: the embassy in Berlin records a meeting with an investor in
sao (with its indicative cost), creates its initiative and hands it over to
the akimat of Astana; it sees only its own initiatives, cannot use the
akimat's buttons and writes in the discussion of the initiative.  An
investor asks the akimat of Astana for information, the akimat answers and
the investor reads the answer (N§12.7)."""
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
        # (Create Initiative opened the initiative in a tab of its own: the
        # meetings' tab is hidden, not closed)
        all_tab = tab.get_by_text('All', exact=True).filter(
            visible=True).first
        all_tab.wait_for()
        all_tab.click()
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
        discussion = tab.locator(
            '.form-one2many', has_text='Discussion').filter(visible=True)
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

    def test_information_request(self):
        "the investor asks, the akimat answers, the investor reads it"
        subject = "Water supply for the glass plant"
        answer = "The water utility of Astana supplies 800 m³ a day."
        Model = self.proteus()
        Request = Model.get('ncip.information.request')
        for login, step in [('investor.qazaqglass', self._investor_asks),
                ('akimat.astana', self._akimat_answers),
                ('investor.qazaqglass', self._investor_reads)]:
            with support.browser_page() as page:
                errors = []
                page.on('pageerror', lambda error: errors.append(str(error)))
                try:
                    support.sao_login(page, self.url, DATABASE, login,
                        support.DEMO_PASSWORD)
                    support.sao_open_menu(page, 'Investment Platform',
                        'One Window (NCIP)', 'Information Requests')
                    step(page, page.locator('#tabcontent'), subject, answer)
                except Exception:
                    support.screenshot(page, f'ncip1_request_{login}_failure')
                    print('JavaScript errors:', errors)
                    raise
                self.assertEqual(errors, [])
            if step == self._investor_asks:
                request = self.wait_for(
                    lambda: [r for r in Request.find(
                            [('subject', '=', subject)])
                        if r.state == 'submitted'],
                    "the request was not registered")[0]
                self.assertEqual(request.investor.name, "Qazaq Glass LLP")
                self.assertEqual(request.organization.name, "Qazaq Glass LLP")
                self.assertEqual(request.front_office.name, "Akimat — Astana")
                self.assertTrue(request.due_date)
            elif step == self._akimat_answers:
                request = self.wait_for(
                    lambda: [r for r in Request.find(
                            [('subject', '=', subject)])
                        if r.state == 'answered'],
                    "the request was not answered")[0]
                self.assertEqual(request.answer, answer)
                self.assertEqual(request.answered_by.login, 'akimat.astana')

    def _investor_asks(self, page, tab, subject, answer):
        self.new_record(tab)
        self.field(tab, 'Subject').wait_for()
        # The investor is its own company
        expect(self.field(tab, 'Investor')).to_have_value(
            re.compile('Qazaq Glass'))
        self.fill_many2one(tab, 'Front Office', "Akimat — Astana")
        self.field(tab, 'Subject').fill(subject)
        question = tab.locator('textarea:visible').first
        question.fill("How much water can the plant get and at what tariff?")
        question.press('Tab')
        self.save(page)
        tab.get_by_role('button', name='Register').click()
        expect(tab.get_by_role('button', name='Register')).to_be_hidden()
        support.screenshot(page, 'ncip1_request_registered')

    def _akimat_answers(self, page, tab, subject, answer):
        tab.get_by_text('To Answer').first.click()
        row = tab.locator('.treeview tbody tr:visible', has_text=subject)
        row.first.wait_for()
        page.wait_for_timeout(1000)
        row.first.dblclick()
        self.field(tab, 'Subject').wait_for()
        # The question is the investor's: read-only; the answer is not
        textarea = tab.locator('textarea:visible').nth(1)
        for _ in range(10):
            textarea.fill(answer)
            textarea.press('Tab')
            page.wait_for_timeout(500)
            if textarea.input_value() == answer:
                break
        tab.get_by_role('button', name='Send Answer').click()
        expect(tab.get_by_role('button', name='Send Answer')).to_be_hidden()
        support.screenshot(page, 'ncip1_request_answered')

    def _investor_reads(self, page, tab, subject, answer):
        tab.get_by_text('Answered', exact=True).first.click()
        row = tab.locator('.treeview tbody tr:visible', has_text=subject)
        row.first.wait_for()
        page.wait_for_timeout(1000)
        row.first.dblclick()
        self.field(tab, 'Subject').wait_for()
        expect(tab.locator('textarea:visible').nth(1)).to_have_value(answer)
        # Answered: the investor changes nothing
        expect(tab.locator('textarea:visible').nth(1)).not_to_be_editable()
        support.screenshot(page, 'ncip1_request_read')
