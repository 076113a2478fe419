# This file is part of the KZ Investment Platform.
"""Browser test: the akimat of Astana forms the roadmap of a demo project
passport in sao from the standard template, plans its 10 tasks (deadline,
responsible body and person) in the editable list of the project form
without opening a dialog and submits the roadmap for approval; it does not
see other regions' projects."""
import datetime as dt
import re
import time

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from tests import support

DATABASE = 'test_browser_ncip2'
AKIMAT = "Akimat — Astana"
PERSON = "Marat Zhumabayev (Akimat of Astana)"
# The standard stages with their number of tasks (N§48)
STAGES = [("Pre-investment", 5), ("Investment", 4), ("Post-investment", 1)]


class SaoNcipImplementationTestCase(support.SaoTestCase):
    DATABASE = DATABASE
    MODULES = ['kz_base', 'kz_ncip']

    def project_state(self, name):
        Model = self.proteus()
        project, = Model.get('ncip.project').find([('name', '=', name)])
        return project

    def wait_state(self, name, state, timeout=30):
        for _ in range(timeout * 2):
            if self.project_state(name).state == state:
                return
            time.sleep(0.5)
        self.fail(f"{name} did not reach {state}")

    @staticmethod
    def rpc(method):
        "Match the JSON-RPC response of sao's call of the method"
        def test(response):
            data = response.request.post_data or ''
            return f'"{method}"' in data
        return test

    def show_all(self, page, tab):
        """Click the "All" tab of the list and wait until sao has searched
        and read its projects"""
        with page.expect_response(self.rpc('model.ncip.project.read')):
            with page.expect_response(
                    self.rpc('model.ncip.project.search')):
                tab.get_by_role('tab', name=re.compile(r'^\s*All\b')) \
                    .first.click()

    def open_project(self, tab, name):
        """Open the project of the list in its form; should sao still
        reload the list when it gets the double click, it shows an empty
        form ("_/3"): go to the next record until it is the project"""
        form = tab.locator('.form').last
        entry = form.locator('input[name=name]:visible').first
        empty = tab.locator('span.badge:visible',
            has_text=re.compile(r'^_/\d+$'))
        tab.locator('.treeview tbody tr:visible',
            has_text=name).first.dblclick()
        for attempt in range(6):
            entry.wait_for()
            try:
                expect(entry).to_have_value(name, timeout=10000)
                return form
            except AssertionError:
                if attempt == 5:
                    raise
            if empty.count() or entry.input_value():
                print("open_project: no or another record, next one")
                tab.locator('button[title=Next]:visible').first.click()

    def planned_tasks(self, project_id):
        "Return the tasks of the project when all have been planned"
        Task = self.proteus().get('ncip.roadmap.task')
        tasks = Task.find([('project', '=', project_id)])
        if tasks and all(t.deadline and t.responsible_user
                and t.responsible_organization
                and t.responsible_organization.name == AKIMAT
                for t in tasks):
            return tasks

    @staticmethod
    def type_cell(row, name, text, expected=None):
        "Type into the cell of the edited row and leave it with Tab"
        entry = row.locator(f'input[name={name}]:visible').first
        for attempt in range(5):
            entry.fill(text)
            entry.press('Tab')
            try:
                expect(entry).to_have_value(expected or text, timeout=5000)
                return
            except AssertionError:
                if attempt == 4:
                    raise

    @staticmethod
    def pick(page, row, name, text, expected):
        """Type the start of a name into the Many2One cell of the edited
        row and choose the completion, as a user does"""
        entry = row.locator(f'input[name={name}]:visible').first
        expect(entry).to_be_editable()
        option = page.locator('li.completion:visible', has_text=expected)
        for attempt in range(5):
            entry.fill('')
            entry.press_sequentially(text, delay=30)
            try:
                option.first.wait_for(timeout=5000)
                break
            except PlaywrightTimeoutError:
                if attempt == 4:
                    raise
        option.first.click()
        expect(entry).to_have_value(expected)

    def plan_roadmap(self, page, form):
        """Plan every task in the editable list of the project: its
        deadline, responsible body and person, without opening a dialog;
        return the deadlines in the order of the list"""
        form.get_by_text('Roadmap Stages').first.click()
        tasks = form.locator('.form-one2many:visible',
            has_text='Roadmap Tasks').first
        rows = tasks.locator('.treeview tbody tr:visible')
        expect(rows).to_have_count(sum(c for _, c in STAGES))
        dialogs = page.locator('.modal-dialog:visible')
        # The stages in the order of N§48
        position = 0
        for kind, count in STAGES:
            for _ in range(count):
                expect(rows.nth(position)).to_contain_text(kind)
                position += 1
        deadline = dt.date.today() + dt.timedelta(days=30)
        planned = []
        for position in range(rows.count()):
            row = rows.nth(position)
            # The first click selects the row, the next one edits it
            entry = row.locator('input[name=deadline]:visible').first
            for attempt in range(5):
                row.locator('td:visible').last.click()
                try:
                    entry.wait_for(timeout=3000)
                    break
                except PlaywrightTimeoutError:
                    if attempt == 4:
                        raise
            text = deadline.strftime('%m/%d/%Y')
            self.type_cell(row, 'deadline', text)
            self.pick(page, row, 'responsible_organization', "Akimat",
                AKIMAT)
            self.pick(page, row, 'responsible_user', "Marat", PERSON)
            expect(row.locator('input[name=deadline]:visible')) \
                .to_have_value(text)
            self.assertEqual(dialogs.count(), 0)
            planned.append(deadline)
            deadline += dt.timedelta(days=30)
            if position == 4:
                support.screenshot(page, 'ncip2_akimat_list_planning')
        return planned

    def test_akimat_plans_roadmap_in_editable_list(self):
        """akimat.astana forms the roadmap from the standard template, plans
        its 10 tasks in the editable list and sends it for approval"""
        name = "Float glass plant"
        with support.browser_page() as page:
            errors = []
            page.on('pageerror', lambda error: errors.append(str(error)))
            page.on('console', lambda message: errors.append(message.text)
                if message.type == 'error' else None)
            support.sao_login(
                page, self.url, DATABASE, 'akimat.astana',
                support.DEMO_PASSWORD)
            support.sao_open_menu(
                page, 'Investment Platform', 'One Window (NCIP)',
                'Projects')
            tab = page.locator('#tabcontent')
            self.show_all(page, tab)
            tab.locator('.treeview tbody tr:visible',
                has_text=name).first.wait_for()
            # The Shymkent project is not visible to the Astana akimat
            self.assertEqual(tab.get_by_text('Cement plant').count(), 0)
            support.screenshot(page, 'ncip2_akimat_projects')
            try:
                form = self.open_project(tab, name)
                form.get_by_text('Roadmap Stages').first.wait_for()
                button = form.locator(
                    'button:visible', has_text='Form Roadmap').first
                button.wait_for()
                button.click()
                submit = form.locator('button:visible',
                    has_text='Submit for Approval').first
                submit.wait_for()
                self.wait_state(name, 'roadmap')
                project = self.project_state(name)
                # The demo's standard template pre-fills the 10 tasks with
                # their deadlines and responsible bodies
                self.assertEqual(
                    project.roadmap_template.name, "Standard roadmap (N§48)")
                self.assertEqual(len(project.tasks), 10)
                self.assertTrue(all(t.deadline and t.responsible_organization
                        for t in project.tasks))

                # The akimat plans the tasks with the investor in the list
                planned = self.plan_roadmap(page, form)
                tab.locator('button[title^="Save"]:visible').first.click()
                tasks = self.wait_for(
                    lambda: self.planned_tasks(project.id),
                    "the planned tasks were not saved")
                self.assertEqual(len(tasks), 10)
                self.assertEqual(
                    sorted(t.deadline for t in tasks), sorted(planned))
                self.assertEqual(
                    {t.responsible_user.login for t in tasks},
                    {'akimat.astana'})
                # The name of the person follows the chosen user
                self.assertEqual(
                    {t.responsible_person for t in tasks}, {PERSON})
                self.assertEqual(
                    page.locator('.modal-dialog:visible').count(), 0)
                # sao shows the dates of the stages once saved
                stage_rows = form.locator('.form-one2many:visible',
                    has_text='Roadmap Stages').first \
                    .locator('.treeview tbody tr:visible')
                expect(stage_rows.first).to_contain_text(
                    planned[0].strftime('%m/%d/%Y'))
                support.screenshot(page, 'ncip2_akimat_planned')

                submit.click()
                self.wait_state(name, 'approval')
                submit.wait_for(state='hidden')
            except Exception:
                support.screenshot(page, 'ncip2_akimat_failed')
                print('\n'.join(errors))
                raise
            form.get_by_text('Roadmap Stages').first.click()
            support.screenshot(page, 'ncip2_akimat_submitted')
        project = self.project_state(name)
        self.assertEqual(
            {a.organization.kind for a in project.approvals},
            {'national_chamber', 'investor'})

    def test_authorized_puts_stalled_project_on_agenda(self):
        """The authorized body lists the projects without progress and puts
        one on the next Investment Council meeting (N§7.2)"""
        name = "Wind farm 50 MW"
        Model = self.proteus()
        Meeting = Model.get('ncip.council.meeting')
        meeting, = Meeting.find([('state', '=', 'planned')])
        self.assertNotIn(name,
            [i.project.name for i in meeting.agenda if i.project])
        with support.browser_page() as page:
            errors = []
            page.on('pageerror', lambda error: errors.append(str(error)))
            support.sao_login(
                page, self.url, DATABASE, 'authorized',
                support.DEMO_PASSWORD)
            support.sao_open_menu(
                page, 'Investment Platform', 'One Window (NCIP)',
                'Projects')
            tab = page.locator('#tabcontent')
            try:
                with page.expect_response(
                        self.rpc('model.ncip.project.search')):
                    tab.get_by_role('tab',
                        name=re.compile(r'^\s*No Progress\b')).first.click()
                rows = tab.locator('.treeview tbody tr:visible')
                rows.filter(has_text=name).first.wait_for()
                # A project with a recent state change is not listed
                self.assertEqual(
                    rows.filter(has_text="Cement plant").count(), 0)
                support.screenshot(page, 'ncip2_no_progress')
                form = self.open_project(tab, name)
                button = form.locator('button:visible',
                    has_text='Add to Council Agenda').first
                button.wait_for()
                button.click()
                item = self.wait_for(lambda: [i for i in Meeting(
                                meeting.id).agenda
                            if i.project and i.project.name == name],
                    "the project did not reach the agenda")[0]
                self.assertEqual(item.kind, 'no_progress')
                # The project's form lists the meeting it is on
                form.get_by_text('Investment Council Agenda').first.click()
                form.locator('.treeview tbody tr:visible',
                    has_text=meeting.name).first.wait_for()
                support.screenshot(page, 'ncip2_on_agenda')
            except Exception:
                support.screenshot(page, 'ncip2_agenda_failed')
                print('\n'.join(errors))
                raise
