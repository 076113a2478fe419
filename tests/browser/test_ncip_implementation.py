# This file is part of the KZ Investment Platform.
"""Browser test: the akimat of Astana forms the roadmap of a demo project
passport and submits it for approval; it does not see other regions'
projects."""
import datetime as dt
import time
import unittest

from tests import support

DATABASE = 'test_browser_ncip2'


class SaoNcipImplementationTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        support.create_database(DATABASE, modules=['kz_base', 'kz_ncip'])
        cls.server = support.running_server(DATABASE)
        cls.url = cls.server.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)
        support.drop_database(DATABASE)

    def proteus(self):
        from proteus import Model
        from proteus import config as pconfig
        pconfig.set_trytond(
            database=DATABASE, config_file=support.config_file())
        return Model

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

    def test_akimat_builds_and_submits_roadmap(self):
        "akimat.astana forms the roadmap and sends it for approval"
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
            tab.get_by_text('All', exact=True).first.click()
            row = tab.locator('.treeview tbody tr', has_text=name).first
            row.wait_for()
            # The Shymkent project is not visible to the Astana akimat
            self.assertEqual(tab.get_by_text('Cement plant').count(), 0)
            support.screenshot(page, 'ncip2_akimat_projects')
            try:
                row.dblclick()
                form = page.locator('#tabcontent .form').last
                form.get_by_text('Roadmap Stages').first.wait_for()
                button = form.locator(
                    'button:visible', has_text='Form Roadmap').first
                button.wait_for()
                button.click()
                form.locator('button:visible',
                    has_text='Submit for Approval').first.wait_for()
                self.wait_state(name, 'roadmap')
            except Exception:
                support.screenshot(page, 'ncip2_akimat_failed')
                print('\n'.join(errors))
                raise

            # The akimat plans the tasks with the investor (as the data
            # entry of 10 tasks is long in a browser, through proteus)
            Model = self.proteus()
            project = self.project_state(name)
            self.assertEqual(len(project.tasks), 10)
            Stage = Model.get('ncip.roadmap.stage')
            start = dt.date.today() + dt.timedelta(days=30)
            for stage in Stage.find([('project', '=', project.id)]):
                for task in stage.tasks:
                    task.deadline = start
                    task.responsible_person = "Project office"
                    start += dt.timedelta(days=30)
                stage.save()

            form.locator('button:visible',
                has_text='Submit for Approval').first.click()
            self.wait_state(name, 'approval')
            form.locator('button:visible',
                has_text='Submit for Approval').first.wait_for(
                state='hidden')
            form.get_by_text('Roadmap Stages').first.click()
            support.screenshot(page, 'ncip2_akimat_submitted')
        project = self.project_state(name)
        self.assertEqual(
            {a.organization.kind for a in project.approvals},
            {'national_chamber', 'investor'})
