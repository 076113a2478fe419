# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Roadmap planning: the templates that pre-fill the stages and tasks
(N§47-48) and the one editable list of the tasks on the project"""
import datetime as dt
import unittest

from trytond.model.exceptions import AccessError, DomainValidationError
from trytond.modules.kz_base.exceptions import ClientWriteError
from trytond.modules.kz_base.tests.tools import as_user, language, today
from trytond.modules.kz_ncip.exceptions import (
    ProjectError, RoadmapError, RoadmapWarning)
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction, without_check_access

from .tools import create_project, plan_roadmap, setup_world

# (stage, kind, days after the start, responsible body)
LINES = [
    ('pre_investment', 'feasibility_study', 60, 'investor'),
    ('pre_investment', 'technical_conditions', 90, 'akimat'),
    ('pre_investment', 'land_plot', 120, 'akimat'),
    ('pre_investment', 'design_documents', 180, 'investor'),
    ('pre_investment', 'financing', 210, 'investor'),
    ('investment', 'construction', 540, 'investor'),
    ('investment', 'state_support', 540, 'akimat'),
    ('investment', 'commissioning_works', 600, 'investor'),
    ('investment', 'commissioning', 630, 'investor'),
    ('post_investment', 'design_capacity', 730, 'investor'),
    ]
START = dt.date(2025, 6, 10)


def create_template(name="Standard roadmap", lines=LINES):
    Template = Pool().get('ncip.roadmap.template')
    template, = Template.create([{
                'name': name,
                'lines': [('create', [{
                                'stage': stage, 'kind': kind, 'days': days,
                                'responsible': responsible,
                                'sequence': i * 10,
                                'expected_result': "Done",
                                } for i, (stage, kind, days, responsible)
                            in enumerate(lines, 1)])],
                }])
    return template


def set_default_template(template):
    Configuration = Pool().get('kz.configuration')
    Configuration.write([Configuration(1)], {'roadmap_template': template.id})


class RoadmapPlanningTestCase(unittest.TestCase):
    "Test the roadmap templates and the planning in one list"

    @classmethod
    def setUpClass(cls):
        activate_module('kz_ncip')

    @with_transaction()
    def test_form_roadmap_fills_template(self):
        """The roadmap is formed from the configured template: three stages,
        ten tasks, deadlines counted from the start, responsible bodies"""
        pool = Pool()
        Project = pool.get('ncip.project')
        w = setup_world()
        template = create_template()
        set_default_template(template)
        project = create_project(w)
        self.assertEqual(project.roadmap_template, template)
        with today(START):
            Project.form_roadmap([project])
        project = Project(project.id)
        self.assertEqual(
            [s.kind for s in project.stages],
            ['pre_investment', 'investment', 'post_investment'])
        tasks = project.tasks
        self.assertEqual(len(tasks), 10)
        # The list of the project shows the tasks stage by stage
        self.assertEqual(
            [(t.stage.kind, t.kind) for t in tasks],
            [(s, k) for s, k, _, _ in LINES])
        self.assertEqual(
            [t.deadline for t in tasks],
            [START + dt.timedelta(days=d) for _, _, d, _ in LINES])
        self.assertEqual(
            [t.responsible_organization for t in tasks],
            [w.investor_org if r == 'investor' else w.akimat_org
                for _, _, _, r in LINES])
        self.assertEqual({t.expected_result for t in tasks}, {"Done"})
        # Within its project a stage is named by its kind only
        with Transaction().set_context(project=project.id):
            self.assertEqual(
                pool.get('ncip.roadmap.stage')(
                    project.stages[0].id).rec_name, "Pre-investment")
        self.assertIn(project.rec_name, project.stages[0].rec_name)
        # The colours of the deadlines apply while planning
        with today(START):
            self.assertEqual(
                {t.deadline_state for t in Project(project.id).tasks},
                {'ok'})
        with today(START + dt.timedelta(days=100)):
            self.assertEqual(
                Project(project.id).tasks[0].deadline_state, 'overdue')

    @with_transaction()
    def test_form_roadmap_without_template(self):
        "Without a template the bare standard tasks of N§48 are created"
        Project = Pool().get('ncip.project')
        w = setup_world()
        project = create_project(w)
        self.assertIsNone(project.roadmap_template)
        with today(START):
            Project.form_roadmap([project])
        project = Project(project.id)
        self.assertEqual(len(project.tasks), 10)
        self.assertEqual({t.deadline for t in project.tasks}, {None})

    @with_transaction()
    def test_fill_from_template(self):
        """The akimat fills the roadmap from another template: it is warned
        that the planned tasks are replaced"""
        pool = Pool()
        Project = pool.get('ncip.project')
        Warning = pool.get('res.user.warning')
        w = setup_world()
        project = create_project(w)
        with today(START):
            Project.form_roadmap([project])
        plan_roadmap(Project(project.id))
        short = create_template("Short roadmap", LINES[:3])
        with as_user(w.akimat):
            Project.write([Project(project.id)],
                {'roadmap_template': short.id})
            with today(dt.date(2025, 7, 1)):
                with self.assertRaises(RoadmapWarning) as cm:
                    Project.fill_roadmap([Project(project.id)])
                # Nothing was replaced before the answer
                self.assertEqual(len(Project(project.id).tasks), 10)
                # What sao calls when the user answers "OK"
                with without_check_access():
                    Warning.skip(cm.exception.name)
                Project.fill_roadmap([Project(project.id)])
        project = Project(project.id)
        self.assertEqual(
            [s.kind for s in project.stages], ['pre_investment'])
        # The start is the day the roadmap was formed
        self.assertEqual(
            [t.deadline for t in project.tasks],
            [START + dt.timedelta(days=d) for _, _, d, _ in LINES[:3]])
        # An empty roadmap is filled without a warning
        project2 = create_project(w, name="Second", roadmap_template=short.id)
        with today(START):
            Project.form_roadmap([project2])
        Pool().get('ncip.roadmap.stage').delete(
            list(Project(project2.id).stages))
        with as_user(w.akimat):
            Project.fill_roadmap([Project(project2.id)])
        self.assertEqual(len(Project(project2.id).tasks), 3)

    @with_transaction()
    def test_fill_nothing_half_written(self):
        """A fill refused for one project changes none; the errors are
        translated"""
        Project = Pool().get('ncip.project')
        w = setup_world()
        template = create_template()
        first = create_project(w, roadmap_template=template.id)
        second = create_project(w, name="Second")
        with today(START):
            Project.form_roadmap([first, second])
        before = [t.id for t in Project(first.id).tasks]
        with language('ru', 'kz_base', 'kz_ncip'):
            with self.assertRaises(RoadmapError) as cm:
                Project.fill_roadmap([Project(first.id), Project(second.id)])
        self.assertIn("Сначала выберите шаблон дорожной карты",
            cm.exception.message)
        self.assertEqual([t.id for t in Project(first.id).tasks], before)
        # Once submitted the roadmap is no longer filled
        third = create_project(w, name="Third", roadmap_template=template.id)
        with language('kk', 'kz_base', 'kz_ncip'):
            with self.assertRaises(RoadmapError) as cm:
                Project.fill_roadmap([Project(third.id)])
        self.assertIn("үлгіден", cm.exception.message)
        self.assertFalse(Project(third.id).stages)

    @with_transaction()
    def test_plan_in_one_list(self):
        """The akimat plans every task through the project, in one write as
        the editable list sends it; the server refuses what the list does
        not allow, and writes nothing of a refused change"""
        pool = Pool()
        Project = pool.get('ncip.project')
        Task = pool.get('ncip.roadmap.task')
        User = pool.get('res.user')
        w = setup_world()
        officer, = User.create([{'name': "Aigerim Sadykova",
                    'login': 'officer', 'kz_organization': w.akimat_org.id}])
        project = create_project(w)
        with today(START):
            Project.form_roadmap([project])
        tasks = Project(project.id).tasks
        pre_investment = tasks[0].stage
        deadline = dt.date(2025, 9, 1)
        with as_user(w.akimat):
            Project.write([Project(project.id)], {'tasks': [
                        ('write', [t.id], {
                                'deadline': deadline + dt.timedelta(days=i),
                                'responsible_organization': w.akimat_org.id,
                                'responsible_user': officer.id,
                                'responsible_person': officer.name,
                                }) for i, t in enumerate(tasks)] + [
                        ('create', [{
                                    'stage': pre_investment.id,
                                    'kind': 'other',
                                    'name': "Connection to the gas network",
                                    'deadline': deadline,
                                    'responsible_organization':
                                    w.akimat_org.id,
                                    }])]})
            # A field the list does not offer is refused before anything is
            # written
            with self.assertRaises(ClientWriteError):
                Project.write([Project(project.id)], {'tasks': [
                            ('write', [tasks[0].id], {
                                    'deadline': dt.date(2026, 1, 1)}),
                            ('write', [tasks[1].id], {'state': 'done'}),
                            ]})
        project = Project(project.id)
        self.assertEqual(len(project.tasks), 11)
        self.assertEqual(Task(tasks[0].id).deadline, deadline)
        self.assertEqual(Task(tasks[0].id).responsible_user, officer)
        new, = [t for t in project.tasks if t.kind == 'other']
        self.assertEqual(new.project, project)
        self.assertEqual(new.stage, pre_investment)
        # Submitted, the list is read-only for the akimat
        Project.submit([project])
        with as_user(w.akimat):
            with self.assertRaises(ClientWriteError):
                Project.write([Project(project.id)], {'tasks': [
                            ('write', [tasks[0].id], {
                                    'deadline': dt.date(2026, 1, 1)})]})
        self.assertEqual(Task(tasks[0].id).deadline, deadline)
        # Other bodies do not plan
        with as_user(w.chamber):
            with self.assertRaises((AccessError, ClientWriteError)):
                Project.write([Project(project.id)], {'tasks': [
                            ('write', [tasks[0].id], {
                                    'deadline': dt.date(2026, 1, 1)})]})

    @with_transaction()
    def test_person_picker(self):
        """The responsible person is a user of the responsible body; the
        name follows the user"""
        pool = Pool()
        Project = pool.get('ncip.project')
        Task = pool.get('ncip.roadmap.task')
        User = pool.get('res.user')
        w = setup_world()
        project = create_project(w)
        with today(START):
            Project.form_roadmap([project])
        task = Project(project.id).tasks[0]
        task.responsible_organization = w.akimat_org
        domain = Task.fields_get(['responsible_user'])[
            'responsible_user']['domain']
        self.assertIn('kz_organization', domain)
        self.assertEqual(
            User.search([('kz_organization', '=', w.akimat_org.id)]),
            [w.akimat])
        task.responsible_user = w.akimat
        task.on_change_responsible_user()
        self.assertEqual(task.responsible_person, w.akimat.name)
        task.responsible_organization = w.investor_org
        task.on_change_responsible_organization()
        self.assertIsNone(task.responsible_user)
        # No person without the responsible body
        other = Project(project.id).tasks[1]
        self.assertIsNone(other.responsible_organization)
        with as_user(w.akimat):
            with self.assertRaises(ClientWriteError):
                Project.write([Project(project.id)], {'tasks': [
                            ('write', [other.id], {
                                    'responsible_user': w.akimat.id})]})
        # The server refuses a person of another organisation
        with as_user(w.akimat):
            with self.assertRaises(DomainValidationError):
                Project.write([Project(project.id)], {'tasks': [
                            ('write', [task.id], {
                                    'responsible_organization':
                                    w.akimat_org.id,
                                    'responsible_user': w.akimat2.id})]})

    @with_transaction()
    def test_submit_incomplete_translated(self):
        "A task without a deadline stops the submission, in Russian"
        Project = Pool().get('ncip.project')
        w = setup_world()
        project = create_project(w)
        with today(START):
            Project.form_roadmap([project])
        with language('ru', 'kz_base', 'kz_ncip'):
            with self.assertRaises(ProjectError) as cm:
                Project.submit([Project(project.id)])
        self.assertIn("нужны срок", cm.exception.message)
