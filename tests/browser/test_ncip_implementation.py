# This file is part of the KZ Investment Platform.
"""Browser test: the akimat of Astana forms the roadmap of a demo project
passport in sao, plans each standard task (its deadline and responsible
person) in the stages of the project form and submits the roadmap for
approval; it does not see other regions' projects."""
import datetime as dt
import re
import time

from playwright.sync_api import expect

from tests import support

DATABASE = 'test_browser_ncip2'
RESPONSIBLE = "Project office"
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
        if tasks and all(t.deadline and t.responsible_person for t in tasks):
            return tasks

    def type_text(self, entry, text):
        """Type into a Char or Date entry of a dialog and leave it; sao may
        display the record again while it loads: type until the text
        stays"""
        for attempt in range(5):
            entry.fill(text)
            entry.press('Tab')
            try:
                expect(entry).to_have_value(text, timeout=3000)
                return
            except AssertionError:
                if attempt == 4:
                    raise

    def plan_task(self, dialogs, row, deadline):
        "Open the task of the row, type its deadline and responsible person"
        row.dblclick()
        # The task opens in a second dialog over the one of the stage
        dialog = dialogs.nth(1)
        dialog.wait_for()
        date = dialog.locator('input[name=deadline]:visible')
        person = dialog.locator('input[name=responsible_person]:visible')
        expect(date).to_be_editable()
        expect(person).to_be_editable()
        text = deadline.strftime('%m/%d/%Y')
        self.type_text(date, text)
        self.type_text(person, RESPONSIBLE)
        # The date is still the typed one once the person is typed
        expect(date).to_have_value(text)
        dialog.get_by_role('button', name='Apply changes').click()
        expect(dialogs).to_have_count(1)
        return text

    def plan_roadmap(self, page, form):
        """Open each stage of the project form and plan each of its tasks;
        return the deadlines by task position"""
        form.get_by_text('Roadmap Stages').first.click()
        stages = form.locator('.form-one2many:visible').first
        stage_rows = stages.locator('.treeview tbody tr:visible')
        expect(stage_rows).to_have_count(len(STAGES))
        dialogs = page.locator('.modal-dialog:visible')
        deadline = dt.date.today() + dt.timedelta(days=30)
        planned = []
        for index, (kind, count) in enumerate(STAGES):
            stage_row = stage_rows.nth(index)
            expect(stage_row).to_contain_text(kind)
            stage_row.dblclick()
            dialog = dialogs.first
            dialog.wait_for()
            tasks = dialog.locator('.form-one2many:visible').first
            rows = tasks.locator('.treeview tbody tr:visible')
            expect(rows).to_have_count(count)
            for position in range(count):
                text = self.plan_task(
                    dialogs, rows.nth(position), deadline)
                expect(rows.filter(has_text=text)).to_have_count(1)
                planned.append(deadline)
                deadline += dt.timedelta(days=30)
            if index == 0:
                support.screenshot(page, 'ncip2_akimat_stage_planned')
            dialog.get_by_role('button', name='Apply changes').click()
            expect(dialogs).to_have_count(0)
        return planned

    def test_akimat_builds_and_submits_roadmap(self):
        "akimat.astana forms the roadmap, plans it and sends it for approval"
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
                self.assertEqual(len(project.tasks), 10)

                # The akimat plans the tasks with the investor: a deadline
                # and a responsible person for each, then saves
                planned = self.plan_roadmap(page, form)
                tab.locator('button[title^="Save"]:visible').first.click()
                tasks = self.wait_for(
                    lambda: self.planned_tasks(project.id),
                    "the planned tasks were not saved")
                self.assertEqual(len(tasks), 10)
                self.assertEqual(
                    sorted(t.deadline for t in tasks), sorted(planned))
                self.assertEqual(
                    {t.responsible_person for t in tasks}, {RESPONSIBLE})
                # sao shows the dates of the stages once saved
                stage_rows = form.locator('.form-one2many:visible').first \
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
