# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"Module 2 'Implementation', the rating and Module 3 'Monitoring'"
import datetime as dt
import io
import re
import unittest
from decimal import Decimal

from openpyxl import load_workbook

from trytond.model.exceptions import AccessError, DomainValidationError
from trytond.model.modelview import AccessButtonError
from trytond.modules.kz_base.exceptions import DecisionRequestError
from trytond.modules.kz_ncip.exceptions import (
    ChangeRequestError, MonitoringError, ProjectError, RoadmapError,
    SuspensionError)
from trytond.modules.kz_base.exceptions import ClientWriteError
from trytond.modules.kz_base.tests.tools import (
    as_user, language, normalize, pdf_text, run_queue, seed_path, today)
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction, without_check_access

from .tools import (
    approve_all, create_project, plan_roadmap, project_with_roadmap,
    setup_world)


def annex2_seed():
    """Return the name of the monitoring plan and its three sections in
    the seed's Annex 2 (the Russian original)"""
    with open(seed_path('ncip_one_window_rules_2024.ru.txt'),
            encoding='utf-8') as fp:
        text = fp.read()
    annex = normalize(text[text.index('Приложение 2\n'):])
    # "3. План … состоит из ежеквартальных, годовых и внеплановых …"
    title = re.search(r' 3\. (.+?) состоит из ', annex).group(1)
    # "4. Ежеквартальные мероприятия включают в себя …" (and 5, 6)
    sections = [re.search(r' %s\. (.+?) включают' % n, annex).group(1)
        for n in (4, 5, 6)]
    return title, sections


def logged_transitions():
    "(record, target) of the transitions logged in the transaction"
    return {(log.resource, log.target)
        for log in Transaction().log_records if log.event == 'transition'}


class ImplementationTestCase(unittest.TestCase):
    "Test Module 2, the rating and Module 3 of kz_ncip"

    @classmethod
    def setUpClass(cls):
        activate_module('kz_ncip')

    @with_transaction()
    def test_number_and_passport_check(self):
        "A project gets a number; the roadmap needs a complete passport"
        Project = Pool().get('ncip.project')
        w = setup_world()
        project = create_project(w, product=None)
        self.assertTrue(project.number)
        with self.assertRaisesRegex(ProjectError, 'Product'):
            Project.form_roadmap([project])
        self.assertEqual(Project(project.id).state, 'passport')
        Project.write([project], {'product': "Glass"})
        with today(dt.date(2025, 6, 10)):
            Project.form_roadmap([project])
        project = Project(project.id)
        self.assertEqual(project.state, 'roadmap')
        # Three stages with the standard tasks of N§48
        self.assertEqual(
            [s.kind for s in sorted(project.stages, key=lambda s: s.sequence)],
            ['pre_investment', 'investment', 'post_investment'])
        self.assertEqual(len(project.tasks), 10)
        self.assertEqual({t.kind for t in project.tasks} >= {
                'feasibility_study', 'land_plot', 'construction',
                'commissioning', 'design_capacity'}, True)
        # The roadmap is due 30 calendar days after it started (N§47)
        self.assertEqual(project.due_date, dt.date(2025, 7, 10))

    @with_transaction()
    def test_copy_is_new_passport(self):
        "A duplicated project is a new passport of today, without its roadmap"
        Project = Pool().get('ncip.project')
        w = setup_world()
        project = create_project(w)
        with today(dt.date(2025, 6, 10)):
            Project.form_roadmap([project])
        with today(dt.date(2025, 8, 4)):
            copy, = Project.copy([project])
        self.assertEqual(copy.state, 'passport')
        self.assertEqual(copy.passport_date, dt.date(2025, 8, 4))
        self.assertNotEqual(copy.number, project.number)
        self.assertEqual((copy.stages, copy.tasks), ((), ()))
        self.assertEqual(copy.cost, project.cost)

    @with_transaction()
    def test_workflow_full(self):
        "Passport → roadmap → approval → verification → with roadmap"
        pool = Pool()
        Project = pool.get('ncip.project')
        w = setup_world()
        project = create_project(w)
        with today(dt.date(2025, 6, 10)):
            with as_user(w.akimat):
                Project.form_roadmap([Project(project.id)])
            project = Project(project.id)
            with self.assertRaisesRegex(ProjectError, 'needs a deadline'):
                Project.submit([project])
            plan_roadmap(project, organization=w.ministry_org)
            with as_user(w.akimat):
                Project.submit([Project(project.id)])
        project = Project(project.id)
        self.assertEqual(project.state, 'approval')
        # The National Chamber, the investor and the responsible body
        self.assertEqual(
            {a.organization for a in project.current_approvals()},
            {w.chamber_org, w.investor_org, w.ministry_org})
        # Approval must finish 30 cd after the roadmap submission, the
        # default start event (N§49)
        self.assertEqual(project.submission_date, dt.date(2025, 6, 10))
        self.assertEqual(project.due_date, dt.date(2025, 7, 10))
        approve_all(w, project)
        project = Project(project.id)
        self.assertEqual(project.state, 'verification')
        with as_user(w.akimat):
            with self.assertRaises(AccessButtonError):
                Project.verify([Project(project.id)])
        with as_user(w.authorized):
            Project.verify([Project(project.id)])
        project = Project(project.id)
        self.assertEqual(project.state, 'with_roadmap')
        self.assertEqual(project.verified_by, w.authorized)

    @with_transaction()
    def test_investor_without_user(self):
        """An investor company that is not an organisation, or has no
        user, does not block the roadmap: it becomes an organisation and
        the akimat records its agreement with the signed document (N§64);
        the National Chamber decides from its "To decide" list and reads
        only its own line"""
        pool = Pool()
        Party = pool.get('party.party')
        Project = pool.get('ncip.project')
        Approval = pool.get('kz.approval')
        Organization = pool.get('kz.organization')
        Approve = pool.get('kz.approval.approve', type='wizard')
        w = setup_world()
        newcomer, = Party.create([{'name': "Foreign Newcomer GmbH"}])
        project = create_project(w, investor=newcomer)
        with today(dt.date(2025, 6, 10)):
            Project.form_roadmap([project])
            plan_roadmap(project)
            with as_user(w.akimat):
                Project.submit([Project(project.id)])
        project = Project(project.id)
        self.assertEqual(project.state, 'approval')
        organization, = Organization.search([('party', '=', newcomer.id)])
        self.assertEqual(organization.kind, 'investor')
        chamber_line, = [a for a in project.current_approvals()
            if a.organization == w.chamber_org]
        investor_line, = [a for a in project.current_approvals()
            if a.organization == organization]
        self.assertEqual(investor_line.proxy, w.akimat_org)

        with as_user(w.chamber):
            line, = Approval.search([('to_decide', '=', True)])
            self.assertEqual(line, chamber_line)
            self.assertEqual(line.document_number, project.number)
            self.assertEqual(line.document_name, "Glass factory")
            self.assertEqual(line.document_region, w.astana)
            self.assertEqual(line.document_investor, "Foreign Newcomer GmbH")
            self.assertIn("Foreign Newcomer GmbH: Pending",
                line.other_decisions)
            # Its own line only, not the investor's
            self.assertEqual(Approval.search([]), [chamber_line])
            Approval.approve([line])
        with as_user(w.akimat):
            line, = Approval.search([('to_decide', '=', True)])
            self.assertEqual(line, investor_line)
            with self.assertRaisesRegex(Exception, 'signed'):
                Approval.approve([Approval(line.id)])
            session_id, _, _ = Approve.create()
            with Transaction().set_context(active_model='kz.approval',
                    active_id=line.id, active_ids=[line.id]):
                approve = Approve(session_id)
                approve.start.signed_document = b'%PDF-1.4 agreement'
                approve.start.signed_document_name = 'agreement.pdf'
                # As in a client call: transitions skip the access checks
                with without_check_access():
                    approve.transition_approve()
        line = Approval(investor_line.id)
        self.assertEqual(line.state, 'approved')
        self.assertTrue(line.on_behalf)
        self.assertEqual(line.decided_by, w.akimat)
        self.assertEqual(Project(project.id).state, 'verification')

    @with_transaction()
    def test_invite_investor(self):
        """The akimat invites the user of an investor company from the
        submitted roadmap; the investor then approves itself"""
        pool = Pool()
        Party = pool.get('party.party')
        Project = pool.get('ncip.project')
        Approval = pool.get('kz.approval')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        Invite = pool.get('ncip.project.invite_investor', type='wizard')
        w = setup_world()
        newcomer, = Party.create([{'name': "Foreign Newcomer GmbH"}])
        project = create_project(w, investor=newcomer)
        with today(dt.date(2025, 6, 10)):
            Project.form_roadmap([project])
            plan_roadmap(project)
            Project.submit([project])
        self.assertFalse(Project(project.id).investor_has_user)

        def invite(user, login):
            session_id, _, _ = Invite.create()
            with Transaction().set_user(user.id), \
                    Transaction().set_context(active_model='ncip.project',
                        active_id=project.id, active_ids=[project.id]):
                wizard = Invite(session_id)
                self.assertEqual(wizard.default_start(None)['name'],
                    "Foreign Newcomer GmbH")
                wizard.start.name = "Hans Muster"
                wizard.start.login = login
                wizard.start.email = 'hans@newcomer.example'
                return wizard.transition_invite()
        # Not the akimat of another region, not a login already taken
        with self.assertRaisesRegex(ProjectError, 'akimat'):
            invite(w.akimat2, 'newcomer')
        with self.assertRaisesRegex(ProjectError, 'taken'):
            invite(w.akimat, 'chamber')
        self.assertEqual(invite(w.akimat, 'newcomer'), 'end')
        user, = User.search([('login', '=', 'newcomer')])
        self.assertEqual(user.kz_organization.party, newcomer)
        self.assertIn(ModelData.get_id('kz_base', 'group_investor'),
            [g.id for g in user.groups])
        self.assertTrue(user.password_reset)
        project = Project(project.id)
        self.assertTrue(project.investor_has_user)
        with self.assertRaisesRegex(ProjectError, 'already has a user'):
            invite(w.akimat, 'newcomer2')
        # The investor decides its line; the akimat no longer may
        line, = [a for a in project.current_approvals()
            if a.organization == user.kz_organization]
        with as_user(w.akimat):
            self.assertEqual(Approval.search([('to_decide', '=', True)]), [])
        with as_user(user):
            self.assertEqual(
                Approval.search([('to_decide', '=', True)]), [line])
            Approval.approve([Approval(line.id)])

    @with_transaction()
    def test_approval_start_setting(self):
        "The approval deadline counts from the configured event (N§49)"
        pool = Pool()
        Project = pool.get('ncip.project')
        Approval = pool.get('kz.approval')
        Configuration = pool.get('kz.configuration')
        # The configuration singleton is created under a table lock
        Configuration.create([{}])
        w = setup_world()
        config = Configuration(1)
        self.assertEqual(config.approval_start, 'roadmap_submission')
        # Passport 1 June, roadmap formed 10 June, submitted 25 June
        for start, due_date in [
                ('passport', dt.date(2025, 7, 1)),
                ('roadmap_formation', dt.date(2025, 7, 10)),
                ('roadmap_submission', dt.date(2025, 7, 25)),
                ]:
            with self.subTest(start=start):
                Configuration.write([Configuration(1)], {
                        'approval_start': start})
                project = create_project(w, name=start)
                with today(dt.date(2025, 6, 10)):
                    Project.form_roadmap([project])
                    plan_roadmap(Project(project.id))
                with today(dt.date(2025, 6, 25)):
                    Project.submit([Project(project.id)])
                project = Project(project.id)
                self.assertEqual(project.due_date, due_date)
                # Taken literally (N§49), the roadmap is late at once
                with today(dt.date(2025, 7, 2)):
                    self.assertEqual(
                        Project(project.id).deadline_state,
                        {'passport': 'overdue',
                            'roadmap_formation': 'warning',
                            'roadmap_submission': 'ok'}[start])
                # A rejection, then a new round with its own deadline
                line, = [a for a in project.current_approvals()
                    if a.organization == w.investor_org]
                with today(dt.date(2025, 7, 3)):
                    with as_user(w.investor_user):
                        Approval.write([Approval(line.id)], {
                                'reason': "Too short"})
                        Approval.reject([Approval(line.id)])
                with today(dt.date(2025, 7, 7)):
                    Project.submit([Project(project.id)])
                project = Project(project.id)
                self.assertEqual(project.approval_round, 2)
                self.assertEqual(project.due_date, dt.date(2025, 8, 6))
        # A new setting moves the deadline of the running approvals at the
        # next change of the record only: the help says so
        self.assertIn("passport creation", Configuration.fields_get(
                ['approval_start'])['approval_start']['help'])

    @with_transaction()
    def test_rejection_resubmission_loop(self):
        "A rejection with reason sends back for 5 wd; resubmission"
        pool = Pool()
        Project = pool.get('ncip.project')
        Approval = pool.get('kz.approval')
        w = setup_world()
        project = create_project(w)
        with today(dt.date(2025, 6, 10)):
            Project.form_roadmap([project])
            plan_roadmap(project)
            Project.submit([project])
        project = Project(project.id)
        line, = [a for a in project.current_approvals()
            if a.organization == w.investor_org]
        with today(dt.date(2025, 6, 13)):   # a Friday
            with as_user(w.investor_user):
                Approval.write([Approval(line.id)], {
                        'reason': "The land plot deadline is not realistic"})
                Approval.reject([Approval(line.id)])
        project = Project(project.id)
        self.assertEqual(project.state, 'roadmap')
        self.assertIn("land plot", project.rejection_reason)
        # 5 working days from Friday 13 June 2025
        self.assertEqual(project.due_date, dt.date(2025, 6, 20))
        with today(dt.date(2025, 6, 16)):
            Project.submit([project])
        project = Project(project.id)
        self.assertEqual(project.state, 'approval')
        self.assertEqual(project.approval_round, 2)
        # The new round has its own deadline from its resubmission
        self.assertEqual(project.due_date, dt.date(2025, 7, 16))
        approve_all(w, project)
        project = Project(project.id)
        self.assertEqual(project.state, 'verification')
        # Round 1 is kept in the history
        self.assertEqual(len([a for a in project.approvals
                    if a.state == 'rejected']), 1)

    @with_transaction()
    def test_buttons_per_role(self):
        "Each transition is allowed to its role and forbidden to others"
        pool = Pool()
        Project = pool.get('ncip.project')
        w = setup_world()
        project = create_project(w)
        for user in [w.chamber, w.investor_user, w.authorized]:
            with self.subTest(user=user.login):
                with as_user(user):
                    with self.assertRaises(
                            (AccessButtonError, AccessError)):
                        Project.form_roadmap([Project(project.id)])
        with as_user(w.akimat):
            Project.form_roadmap([Project(project.id)])
        plan_roadmap(Project(project.id))
        for user in [w.chamber, w.authorized, w.investor_user]:
            with self.subTest(user=user.login):
                with as_user(user):
                    with self.assertRaises(
                            (AccessButtonError, AccessError)):
                        Project.submit([Project(project.id)])
        with as_user(w.akimat):
            Project.submit([Project(project.id)])
        approve_all(w, Project(project.id))
        with as_user(w.chamber):
            with self.assertRaises(AccessButtonError):
                Project.verify([Project(project.id)])
        with as_user(w.authorized):
            Project.verify([Project(project.id)])
        for user in [w.akimat, w.authorized]:
            with as_user(user):
                with self.assertRaises(AccessButtonError):
                    Project.start_monitoring([Project(project.id)])
        with as_user(w.chamber):
            # Design capacity not validated yet
            with self.assertRaisesRegex(ProjectError, 'design capacity'):
                Project.start_monitoring([Project(project.id)])

    @with_transaction()
    def test_record_rules(self):
        "Akimat: its region; investor: its company; embassy: initiated"
        pool = Pool()
        Project = pool.get('ncip.project')
        w = setup_world()
        astana = create_project(w, name="Astana plant")
        shymkent = create_project(w, name="Shymkent plant",
            region=w.shymkent, investor=w.investor2,
            initiator=w.embassy_org.id)
        with as_user(w.akimat):
            self.assertEqual(Project.search([]), [astana])
        with as_user(w.akimat2):
            self.assertEqual(Project.search([]), [shymkent])
        with as_user(w.investor_user):
            self.assertEqual(Project.search([]), [astana])
        with as_user(w.investor2_user):
            self.assertEqual(Project.search([]), [shymkent])
        with as_user(w.embassy):
            self.assertEqual(Project.search([]), [shymkent])
        with as_user(w.authorized):
            self.assertEqual(
                set(Project.search([])), {astana, shymkent})
        with as_user(w.investor_user):
            with self.assertRaises(AccessError):
                Project.write([Project(astana.id)], {'name': "Renamed"})

    @with_transaction()
    def test_task_colours(self):
        "Overdue red, due in fewer than 10 days yellow, else green (N§61)"
        pool = Pool()
        Task = pool.get('ncip.roadmap.task')
        w = setup_world()
        project = project_with_roadmap(w)
        task = project.tasks[0]
        deadline = task.deadline
        for date, state, colour in [
                (deadline + dt.timedelta(days=1), 'overdue', 'red'),
                (deadline, 'warning', 'yellow'),
                (deadline - dt.timedelta(days=9), 'warning', 'yellow'),
                (deadline - dt.timedelta(days=10), 'ok', 'green'),
                ]:
            with self.subTest(date=date):
                with today(date):
                    task = Task(task.id)
                    self.assertEqual(task.deadline_state, state)
                    self.assertEqual(task.deadline_colour, colour)
                    # The series of the dashboard graph by region
                    self.assertEqual(
                        [task.overdue_counter, task.warning_counter,
                            task.ok_counter],
                        [int(state == s) for s in [
                                'overdue', 'warning', 'ok']])
                    self.assertIn(task, Task.search(
                            [('deadline_state', '=', state)]))

    @with_transaction()
    def test_task_list_names_in_sql(self):
        "A list of tasks names them and their stage as each task does"
        pool = Pool()
        Task = pool.get('ncip.roadmap.task')
        w = setup_world()
        project = project_with_roadmap(w)
        tasks = list(project.tasks)
        Task.write(tasks[:1], {'name': "Named task"})
        ids = [t.id for t in tasks]
        rows = {r['id']: r for r in Task.read(ids, ['rec_name', 'stage_kind'])}
        for task in Task.browse(ids):
            self.assertEqual(rows[task.id]['rec_name'],
                task.get_rec_name('rec_name'))
            self.assertEqual(rows[task.id]['stage_kind'], task.stage.kind)
        self.assertEqual(rows[ids[0]]['rec_name'],
            '%s: Named task' % project.rec_name)

    @with_transaction()
    def test_task_counts(self):
        "The list of projects counts their tasks and overdue tasks"
        pool = Pool()
        Project = pool.get('ncip.project')
        w = setup_world()
        project = project_with_roadmap(w)
        other = create_project(w, name="Empty passport")
        deadlines = sorted(t.deadline for t in project.tasks)
        with today(deadlines[2] + dt.timedelta(days=1)):
            project, other = Project.browse([project.id, other.id])
            self.assertEqual(project.task_count, 10)
            # The tasks due before that day, all still planned
            late = len([d for d in deadlines if d < deadlines[2]
                    + dt.timedelta(days=1)])
            self.assertEqual(project.overdue_tasks, late)
            self.assertEqual((other.task_count, other.overdue_tasks), (0, 0))

    @with_transaction()
    def test_task_validation_and_module3(self):
        "National Chamber validates within 5 wd; then Module 3 (N§65, 68)"
        pool = Pool()
        Project = pool.get('ncip.project')
        Task = pool.get('ncip.roadmap.task')
        w = setup_world()
        project = project_with_roadmap(w)
        commissioning, = [t for t in project.tasks
            if t.kind == 'commissioning']
        with today(dt.date(2026, 3, 2)):
            Task.write([commissioning], {'actual_end': dt.date(2026, 2, 27)})
            with as_user(w.akimat):
                with self.assertRaisesRegex(RoadmapError, 'consent'):
                    Task.complete([Task(commissioning.id)])
            Task.write([commissioning], {'investor_consent': True})
            with as_user(w.akimat):
                Task.complete([Task(commissioning.id)])
            commissioning = Task(commissioning.id)
            self.assertEqual(commissioning.state, 'done')
            self.assertIn(
                (commissioning, 'state:done'), logged_transitions())
            # A task without validation is final at once, logged as well
            plain = next(t for t in project.tasks if not t.needs_validation)
            Task.write([plain], {
                    'actual_end': dt.date(2026, 2, 27),
                    'investor_consent': True})
            with as_user(w.akimat):
                Task.complete([Task(plain.id)])
            self.assertEqual(Task(plain.id).state, 'validated')
            self.assertIn(
                (Task(plain.id), 'state:validated'), logged_transitions())
            # 5 working days after Friday 27 February 2026
            self.assertEqual(commissioning.due_date, dt.date(2026, 3, 6))
            with as_user(w.akimat):
                with self.assertRaises(AccessButtonError):
                    Task.validate_task([Task(commissioning.id)])
            with as_user(w.chamber):
                Task.validate_task([Task(commissioning.id)])
            self.assertEqual(Task(commissioning.id).state, 'validated')
            # Commissioning alone is not enough for Module 3 (N§48.3, 68)
            self.assertEqual(Project(project.id).state, 'with_roadmap')
            with as_user(w.chamber):
                with self.assertRaisesRegex(ProjectError, 'design capacity'):
                    Project.start_monitoring([Project(project.id)])
            capacity, = [t for t in project.tasks
                if t.kind == 'design_capacity']
            Task.write([capacity], {
                    'actual_end': dt.date(2026, 3, 2),
                    'investor_consent': True})
            with as_user(w.akimat):
                Task.complete([Task(capacity.id)])
            # Reported, not yet validated by the National Chamber
            self.assertEqual(Task(capacity.id).state, 'done')
            self.assertEqual(Project(project.id).state, 'with_roadmap')
            with as_user(w.chamber):
                Task.validate_task([Task(capacity.id)])
            self.assertEqual(Task(capacity.id).state, 'validated')
        project = Project(project.id)
        self.assertEqual(project.state, 'post_investment')
        self.assertEqual(project.monitoring_start, dt.date(2026, 3, 2))
        self.assertEqual(project.monitoring_end, dt.date(2029, 3, 2))

        # The investor raises an issue, the authorized body answers
        Issue = pool.get('ncip.project.issue')
        with as_user(w.investor_user):
            issue, = Issue.create([{
                        'project': project.id, 'kind': 'issue',
                        'subject': "Power connection",
                        'description': "The grid connection is late"}])
        self.assertEqual(issue.raised_by, w.investor_user)
        with as_user(w.authorized):
            with self.assertRaisesRegex(MonitoringError, 'answer'):
                Issue.answer_issue([Issue(issue.id)])
            Issue.write([Issue(issue.id)], {'answer': "Escalated"})
            Issue.answer_issue([Issue(issue.id)])
        self.assertEqual(Issue(issue.id).state, 'answered')

        # Changes are logged
        Project.write([project], {'cost': Decimal('2000000000')})
        change, = Project(project.id).changes
        self.assertEqual(change.old_value, '1000000000.00')
        self.assertEqual(change.new_value, '2000000000.00')

        # Closing needs the final check
        with as_user(w.authorized):
            with self.assertRaisesRegex(ProjectError, 'final check'):
                Project.close([Project(project.id)])
        Project.write([project], {
                'final_check_date': dt.date(2027, 1, 10),
                'final_check_note': "Design capacity reached"})
        with today(dt.date(2027, 1, 11)):
            with as_user(w.authorized):
                Project.close([Project(project.id)])
        self.assertEqual(Project(project.id).state, 'closed')

    @with_transaction()
    def test_deadline_change_approval(self):
        "Approved deadlines change only with the authorized body (N§63)"
        pool = Pool()
        Task = pool.get('ncip.roadmap.task')
        Change = pool.get('ncip.roadmap.deadline_change')
        w = setup_world()
        project = project_with_roadmap(w)
        task = project.tasks[0]
        old = task.deadline
        with self.assertRaisesRegex(RoadmapError, 'authorized body'):
            Task.write([task], {'deadline': old + dt.timedelta(days=10)})
        with as_user(w.akimat):
            change, = Change.create([{
                        'task': task.id,
                        'new_deadline': old + dt.timedelta(days=10),
                        'reason': "Late equipment delivery"}])
            with self.assertRaisesRegex(RoadmapError, 'investor'):
                Change.request([Change(change.id)])
            Change.write([Change(change.id)], {'investor_agreed': True})
            Change.request([Change(change.id)])
            with self.assertRaises(AccessButtonError):
                Change.approve([Change(change.id)])
        with as_user(w.authorized):
            Change.approve([Change(change.id)])
        change = Change(change.id)
        self.assertEqual(change.old_deadline, old)
        self.assertEqual(change.state, 'approved')
        self.assertEqual(
            Task(task.id).deadline, old + dt.timedelta(days=10))

    @with_transaction()
    def test_transitions_refused_per_role(self):
        "Send back, refuse a completion or a deadline change, resume, close"
        pool = Pool()
        Project = pool.get('ncip.project')
        Task = pool.get('ncip.roadmap.task')
        Change = pool.get('ncip.roadmap.deadline_change')
        w = setup_world()
        refused = (AccessButtonError, AccessError)
        project = create_project(w)
        with today(dt.date(2025, 6, 10)):
            Project.form_roadmap([project])
            plan_roadmap(project)
            Project.submit([project])
            approve_all(w, Project(project.id))
        self.assertEqual(Project(project.id).state, 'verification')

        # The authorized body sends the roadmap back, with a reason
        for user in [w.akimat, w.chamber, w.investor_user, w.ministry,
                w.embassy]:
            with self.subTest(button='send_back', user=user.login):
                with as_user(user), self.assertRaises(refused):
                    Project.send_back([Project(project.id)])
        with as_user(w.authorized), today(dt.date(2025, 6, 20)):
            with self.assertRaisesRegex(ProjectError, 'write the reason'):
                Project.send_back([Project(project.id)])
            Project.write([Project(project.id)],
                {'return_reason': "The land plot is not identified"})
            Project.send_back([Project(project.id)])
        project = Project(project.id)
        self.assertEqual(project.state, 'roadmap')
        self.assertEqual(
            project.rejection_reason, "The land plot is not identified")
        self.assertEqual(project.rejection_date, dt.date(2025, 6, 20))
        self.assertFalse(project.return_reason)

        with today(dt.date(2025, 6, 23)):
            Project.submit([project])
            approve_all(w, Project(project.id))
            Project.verify([Project(project.id)])
        project = Project(project.id)
        self.assertEqual(project.state, 'with_roadmap')

        # The National Chamber refuses a completion, with a note
        task, = [t for t in project.tasks if t.kind == 'construction']
        with today(dt.date(2026, 3, 2)):
            Task.write([task], {'actual_end': dt.date(2026, 2, 27),
                    'investor_consent': True})
            Task.complete([task])
        self.assertEqual(Task(task.id).state, 'done')
        for user in [w.akimat, w.authorized, w.investor_user, w.ministry]:
            with self.subTest(button='refuse_validation', user=user.login):
                with as_user(user), self.assertRaises(refused):
                    Task.refuse_validation([Task(task.id)])
        with as_user(w.chamber):
            with self.assertRaisesRegex(RoadmapError, 'validation note'):
                Task.refuse_validation([Task(task.id)])
            Task.write([Task(task.id)],
                {'validation_note': "The acceptance act is not signed"})
            Task.refuse_validation([Task(task.id)])
        task = Task(task.id)
        self.assertEqual(task.state, 'planned')
        self.assertIsNone(task.actual_end)

        # The authorized body refuses a deadline change, with a note
        old = task.deadline
        with as_user(w.akimat):
            change, = Change.create([{
                        'task': task.id,
                        'new_deadline': old + dt.timedelta(days=60),
                        'reason': "Equipment delivered late",
                        'investor_agreed': True}])
            Change.request([Change(change.id)])
        for user in [w.akimat, w.chamber, w.investor_user, w.ministry]:
            with self.subTest(button='refuse', user=user.login):
                with as_user(user), self.assertRaises(refused):
                    Change.refuse([Change(change.id)])
        with as_user(w.authorized):
            with self.assertRaisesRegex(
                    DecisionRequestError, 'decision note'):
                Change.refuse([Change(change.id)])
            Change.write([Change(change.id)],
                {'decision_note': "Not agreed with the suppliers"})
            Change.refuse([Change(change.id)])
        change = Change(change.id)
        self.assertEqual(change.state, 'refused')
        self.assertEqual(change.decided_by, w.authorized)
        self.assertEqual(Task(task.id).deadline, old)

        # Only the authorized body resumes a suspended project ...
        Project.suspend([project])
        for user in [w.akimat, w.chamber, w.investor_user]:
            with self.subTest(button='resume', user=user.login):
                with as_user(user), self.assertRaises(refused):
                    Project.resume([Project(project.id)])
        self.assertEqual(Project(project.id).state, 'suspended')
        with as_user(w.authorized):
            Project.resume([Project(project.id)])
        self.assertEqual(Project(project.id).state, 'with_roadmap')
        # ... and closes it after the final check
        Project.write([project], {
                'state': 'post_investment',
                'final_check_date': dt.date(2029, 1, 10),
                'final_check_note': "Design capacity reached"})
        for user in [w.akimat, w.chamber, w.investor_user]:
            with self.subTest(button='close', user=user.login):
                with as_user(user), self.assertRaises(refused):
                    Project.close([Project(project.id)])
        self.assertEqual(Project(project.id).state, 'post_investment')
        with as_user(w.authorized):
            Project.close([Project(project.id)])
        self.assertEqual(Project(project.id).state, 'closed')

    @with_transaction()
    def test_change_request(self):
        "Cost and contract change on the akimat's request (N§63-64, 70)"
        pool = Pool()
        Project = pool.get('ncip.project')
        Request = pool.get('ncip.project.change_request')
        Notification = pool.get('res.notification')
        w = setup_world()
        refused = (AccessButtonError, AccessError)
        project = project_with_roadmap(w)
        # Module 3: the contract term bounds the monitoring
        Project.write([project], {
                'state': 'post_investment',
                'monitoring_start': dt.date(2026, 3, 2),
                'monitoring_end': dt.date(2029, 3, 2)})
        # Past the roadmap the cost and the contract change only so
        with as_user(w.akimat):
            for values in [{'cost': Decimal('2000000000')},
                    {'investment_contract': True}]:
                with self.subTest(values=values):
                    with self.assertRaises(ClientWriteError):
                        Project.write([Project(project.id)], values)
            # Writing the same value is harmless
            Project.write([Project(project.id)],
                {'cost': Decimal('1000000000')})
        # Only the akimats create requests
        for user in [w.authorized, w.chamber, w.investor_user, w.ministry]:
            with self.subTest(create=user.login):
                with as_user(user), self.assertRaises(AccessError):
                    Request.create([{'project': project.id,
                                'new_cost': Decimal(1), 'reason': "No"}])
        with as_user(w.akimat):
            request, = Request.create([{
                        'project': project.id,
                        'new_cost': Decimal('2500000000'),
                        'new_investment_contract': True,
                        'new_contract_start': dt.date(2026, 1, 1),
                        'new_contract_end': dt.date(2031, 12, 31),
                        'reason': "The investor adds a second line"}])
        request = Request(request.id)
        self.assertEqual(request.old_cost, Decimal('1000000000'))
        self.assertFalse(request.old_investment_contract)
        self.assertEqual(request.state, 'draft')
        # Only the akimat of the project requests
        for user in [w.akimat2, w.authorized, w.chamber, w.investor_user]:
            with self.subTest(request=user.login):
                with as_user(user), self.assertRaises(refused):
                    Request.request([Request(request.id)])
        with as_user(w.akimat):
            # The investor's consent first
            with self.assertRaisesRegex(
                    ChangeRequestError, 'agreed with the investor'):
                Request.request([Request(request.id)])
            Request.write([Request(request.id)], {'investor_consent': True})
            Request.request([Request(request.id)])
            with self.assertRaises(AccessButtonError):
                Request.approve([Request(request.id)])
            with self.assertRaises(ClientWriteError):
                Request.write([Request(request.id)],
                    {'new_cost': Decimal(1)})
        request = Request(request.id)
        self.assertEqual(request.state, 'requested')
        self.assertEqual(request.requested_by, w.akimat)
        self.assertTrue(Notification.search([
                    ('user', '=', w.authorized.id),
                    ('label', '=', "Project changes to approve")]))
        # The investor follows its request
        with as_user(w.investor_user):
            self.assertEqual(Request.search([]), [request])
            Project.read([project.id], ['investor.rec_name'])
        with as_user(w.investor2_user):
            self.assertEqual(Request.search([]), [])
        # The authorized body approves: applied and logged
        with as_user(w.authorized), today(dt.date(2026, 4, 1)):
            Request.approve([Request(request.id)])
        request = Request(request.id)
        self.assertEqual(request.state, 'approved')
        self.assertEqual(request.decided_by, w.authorized)
        self.assertEqual(request.decision_date, dt.date(2026, 4, 1))
        project = Project(project.id)
        self.assertEqual(project.cost, Decimal('2500000000'))
        self.assertTrue(project.investment_contract)
        self.assertEqual(project.contract_end, dt.date(2031, 12, 31))
        self.assertEqual(project.pool, 'national')
        self.assertEqual(project.monitoring_end, dt.date(2031, 12, 31))
        self.assertEqual(
            {c.field: (c.old_value, c.new_value) for c in project.changes},
            {'Estimated Cost': ('1000000000.00', '2500000000.00'),
                'Investment Contract': ('0', '1'),
                'Contract Start': ('', '2026-01-01'),
                'Contract End': ('', '2031-12-31')})
        self.assertEqual({c.user for c in project.changes}, {w.authorized})
        self.assertTrue(Notification.search([
                    ('user', '=', w.akimat.id),
                    ('label', 'like', "Change request approved:%")]))

        # A refusal needs a decision note and changes nothing
        with as_user(w.akimat):
            second, = Request.create([{
                        'project': project.id,
                        'new_cost': Decimal('3000000000'),
                        'reason': "More equipment",
                        'investor_consent': True}])
            second = Request(second.id)
            # The values not given stay those of the project
            self.assertTrue(second.new_investment_contract)
            self.assertEqual(second.new_contract_end, dt.date(2031, 12, 31))
            Request.request([second])
        with as_user(w.authorized):
            with self.assertRaisesRegex(
                    DecisionRequestError, 'decision note'):
                Request.refuse([Request(second.id)])
            Request.write([Request(second.id)],
                {'decision_note': "Not justified by the investor"})
            Request.refuse([Request(second.id)])
        self.assertEqual(Request(second.id).state, 'refused')
        self.assertEqual(Project(project.id).cost, Decimal('2500000000'))
        self.assertEqual(len(Project(project.id).changes), 4)
        # A request that changes nothing is not sent
        with as_user(w.akimat):
            third, = Request.create([{
                        'project': project.id, 'reason': "Same",
                        'investor_consent': True}])
            with self.assertRaisesRegex(ChangeRequestError, 'nothing'):
                Request.request([Request(third.id)])

    @with_transaction()
    def test_comment_competence(self):
        "Only participants comment on tasks (N§66)"
        pool = Pool()
        Comment = pool.get('ncip.roadmap.task.comment')
        w = setup_world()
        project = project_with_roadmap(w)
        task = project.tasks[0]
        with as_user(w.investor_user):
            comment, = Comment.create([{'task': task.id, 'text': "OK"}])
        self.assertEqual(comment.organization, w.investor_org)
        with as_user(w.investor2_user):
            with self.assertRaises((RoadmapError, AccessError)):
                Comment.create([{'task': task.id, 'text': "Not mine"}])
        with self.assertRaises(RoadmapError):
            with as_user(w.ministry):
                Comment.create([{'task': task.id, 'text': "Not mine"}])

    @with_transaction()
    def test_rating_bands_and_ties(self):
        "Points 0.5 / 1 / 1.5 by delay; ties to the region with more projects"
        pool = Pool()
        Task = pool.get('ncip.roadmap.task')
        Rating = pool.get('ncip.rating.region')
        w = setup_world()
        a1 = project_with_roadmap(w, name="A1")
        a2 = project_with_roadmap(w, name="A2")
        s1 = project_with_roadmap(w, name="S1", region=w.shymkent)
        rating_date = dt.date(2025, 12, 31)

        def set_delays(project, delays):
            "Open tasks late by the given days on the rating date"
            tasks = sorted(project.tasks, key=lambda t: t.id)
            with Transaction().set_context(_ncip_deadline_change=True):
                for task, delay in zip(tasks, delays):
                    Task.write([task], {'deadline': rating_date
                            - dt.timedelta(days=delay)})
                for task in tasks[len(delays):]:
                    Task.write([task], {'deadline': dt.date(2026, 6, 1)})
        # Edges: 1 and 5 → 0.5; 6 and 15 → 1; 16 → 1.5; 0 → nothing
        set_delays(a1, [1, 5, 6, 15, 16, 0])
        set_delays(a2, [])
        # Shymkent: a finished task 5 days late and one 20 days late
        set_delays(s1, [])
        t1, t2, t3, t4 = sorted(s1.tasks, key=lambda t: t.id)[:4]
        with Transaction().set_context(_ncip_deadline_change=True):
            Task.write([t1], {'deadline': dt.date(2025, 11, 1),
                    'actual_end': dt.date(2025, 11, 6)})
            Task.write([t2], {'deadline': dt.date(2025, 11, 1),
                    'actual_end': dt.date(2025, 11, 21)})
            # Finished early and on its deadline: not late
            Task.write([t3], {'deadline': dt.date(2025, 11, 1),
                    'actual_end': dt.date(2025, 10, 20)})
            Task.write([t4], {'deadline': dt.date(2025, 11, 1),
                    'actual_end': dt.date(2025, 11, 1)})
        self.assertEqual(Task(t1.id).delay_days, 5)
        with Transaction().set_context(date=rating_date):
            ratings = {r.region: r for r in Rating.search([])}
        astana, shymkent = ratings[w.astana], ratings[w.shymkent]
        self.assertEqual(astana.points, 0.5 + 0.5 + 1 + 1 + 1.5)
        self.assertEqual(astana.late_tasks, 5)
        self.assertEqual(astana.projects, 2)
        self.assertEqual(shymkent.points, 0.5 + 1.5)
        self.assertEqual(shymkent.late_tasks, 2)
        self.assertEqual(shymkent.projects, 1)
        self.assertLess(shymkent.rank, astana.rank)
        # The regions without projects come after them, whatever points
        self.assertEqual((shymkent.rank, astana.rank), (1, 2))
        # On 10 November the task finished on the 21st was open, 9 days
        # late
        with Transaction().set_context(date=dt.date(2025, 11, 10)):
            ratings = {r.region: r for r in Rating.search([])}
        self.assertEqual(ratings[w.shymkent].points, 0.5 + 1)
        self.assertEqual(ratings[w.shymkent].late_tasks, 2)

        # A tie of points goes to the region with more projects
        with Transaction().set_context(_ncip_deadline_change=True):
            set_delays(a1, [1, 5, 6, 15])   # 3 points
            set_delays(s1, [16, 20])         # 3 points
            Task.write([t1, t2, t3, t4], {'actual_end': None})
        with Transaction().set_context(date=rating_date):
            ratings = {r.region: r for r in Rating.search([])}
        self.assertEqual(ratings[w.astana].points, 3.0)
        self.assertEqual(ratings[w.shymkent].points, 3.0)
        self.assertEqual(
            ratings[w.shymkent].rank, ratings[w.astana].rank + 1)

        # The band edges are settings
        config = pool.get('kz.configuration')(1)
        config.rating_band1_days = 1
        config.save()
        with Transaction().set_context(date=rating_date):
            ratings = {r.region: r for r in Rating.search([])}
        self.assertEqual(ratings[w.astana].points, 0.5 + 1 + 1 + 1)

    @with_transaction()
    def test_rating_regions_without_projects(self):
        "Regions without projects rank last; equal regions share a rank"
        pool = Pool()
        Task = pool.get('ncip.roadmap.task')
        Rating = pool.get('ncip.rating.region')
        Region = pool.get('kz.region')
        w = setup_world()
        astana = project_with_roadmap(w, name="A")
        shymkent = project_with_roadmap(w, name="S", region=w.shymkent)
        regions = Region.search([])
        others = len(regions) - 2
        self.assertGreater(others, 0)

        def ratings(date):
            with Transaction().set_context(date=date):
                return {r.region: r for r in Rating.search([])}
        # Nothing late yet: equal points and projects share the first rank
        result = ratings(dt.date(2025, 8, 1))
        self.assertEqual(len(result), len(regions))
        self.assertEqual(result[w.astana].points, 0)
        self.assertEqual(result[w.astana].rank, 1)
        self.assertEqual(result[w.shymkent].rank, 1)
        empty = [r for r in result.values() if not r.projects]
        self.assertEqual(len(empty), others)
        self.assertEqual({r.rank for r in empty}, {3})
        # One late task in Shymkent: it ranks second, the regions without
        # projects still after it although they have fewer points
        task = min(shymkent.tasks, key=lambda t: t.deadline)
        with Transaction().set_context(_ncip_deadline_change=True):
            Task.write([task], {'deadline': dt.date(2025, 7, 20)})
        result = ratings(dt.date(2025, 8, 1))
        self.assertEqual(result[w.shymkent].points, 1.0)
        self.assertEqual(
            (result[w.astana].rank, result[w.shymkent].rank), (1, 2))
        self.assertEqual(
            {r.rank for r in result.values() if not r.projects}, {3})
        # Equal points but more projects rank first, equal ones share
        second = project_with_roadmap(w, name="S2", region=w.shymkent)
        with Transaction().set_context(_ncip_deadline_change=True):
            Task.write([min(astana.tasks, key=lambda t: t.deadline)],
                {'deadline': dt.date(2025, 7, 20)})
        result = ratings(dt.date(2025, 8, 1))
        self.assertEqual(result[w.astana].points, result[w.shymkent].points)
        self.assertEqual(
            (result[w.shymkent].rank, result[w.astana].rank), (1, 2))
        with Transaction().set_context(_ncip_deadline_change=True):
            Task.write([min(second.tasks, key=lambda t: t.deadline)],
                {'deadline': dt.date(2025, 7, 20)})
        project_with_roadmap(w, name="A2")
        result = ratings(dt.date(2025, 8, 1))
        self.assertEqual(result[w.astana].points, 1.0)
        self.assertEqual(result[w.shymkent].points, 2.0)
        self.assertEqual(
            (result[w.astana].rank, result[w.shymkent].rank), (1, 2))

    @with_transaction()
    def test_rating_xlsx_and_snapshot(self):
        "The rating exports to Excel and is kept each quarter"
        pool = Pool()
        Rating = pool.get('ncip.rating.region')
        Snapshot = pool.get('ncip.rating.snapshot')
        RatingReport = pool.get('ncip.rating.xlsx', type='report')
        SnapshotReport = pool.get('ncip.rating.snapshot.xlsx', type='report')
        w = setup_world()
        project_with_roadmap(w)
        with today(dt.date(2026, 1, 5)):
            ratings = Rating.search([])
            oext, content, _, name = RatingReport.execute(
                [r.id for r in ratings], {})
        self.assertEqual(oext, 'xlsx')
        # Named after the rating and the day, not after the rows' ids
        self.assertEqual(name, 'Regional Rating (Excel) 2026-01-05')
        sheet = load_workbook(io.BytesIO(content)).active
        self.assertEqual(sheet['A2'].value, 'Rank')
        rows = list(sheet.iter_rows(min_row=3, values_only=True))
        self.assertEqual(len(rows), len(ratings))
        self.assertEqual([r[0] for r in rows], sorted(r[0] for r in rows))
        astana_row, = [r for r in rows if r[1] == w.astana.rec_name]
        self.assertEqual(astana_row[3], 5)   # the tasks due before 2026

        with today(dt.date(2026, 1, 5)):
            snapshot = Snapshot.take_quarterly()
            self.assertIsNone(Snapshot.take_quarterly())
        self.assertEqual((snapshot.year, snapshot.quarter), (2025, 4))
        self.assertEqual(snapshot.date, dt.date(2025, 12, 31))
        self.assertEqual(len(snapshot.lines), len(ratings))
        oext, content, _, _ = SnapshotReport.execute([snapshot.id], {})
        sheet = load_workbook(io.BytesIO(content)).active
        self.assertIn('2025 Q4', sheet['A1'].value)

    @with_transaction()
    def test_suspension_and_exclusion(self):
        "Justified request by the akimat, decision by the authorized body"
        pool = Pool()
        Project = pool.get('ncip.project')
        Suspension = pool.get('ncip.project.suspension')
        w = setup_world()
        project = project_with_roadmap(w)
        with today(dt.date(2025, 9, 5)):   # a Friday
            with as_user(w.akimat):
                request, = Suspension.create([{
                            'project': project.id, 'kind': 'suspension',
                            'ground': 'financing',
                            'justification': "The bank withdrew"}])
                Suspension.request([Suspension(request.id)])
            request = Suspension(request.id)
            self.assertEqual(request.requested_by, w.akimat_org)
            self.assertEqual(request.due_date, dt.date(2025, 9, 12))
            with as_user(w.akimat):
                with self.assertRaises(AccessButtonError):
                    Suspension.approve([Suspension(request.id)])
            with as_user(w.authorized):
                Suspension.approve([Suspension(request.id)])
        project = Project(project.id)
        self.assertEqual(project.state, 'suspended')
        with as_user(w.authorized):
            Project.resume([project])
        self.assertEqual(Project(project.id).state, 'with_roadmap')

        with as_user(w.akimat):
            request, = Suspension.create([{
                        'project': project.id, 'kind': 'exclusion',
                        'ground': 'bankruptcy',
                        'justification': "Liquidated"}])
            # Removal from the pool needs the investor's agreement (N§63)
            with self.assertRaisesRegex(SuspensionError, 'agreement'):
                Suspension.request([Suspension(request.id)])
            Suspension.write([Suspension(request.id)], {
                    'investor_agreed': True,
                    'investor_agreement_date': dt.date(2025, 9, 20),
                    'investor_agreement_document': "Letter No. 12"})
            Suspension.request([Suspension(request.id)])
        self.assertEqual(
            Suspension(request.id).investor_agreement_document,
            "Letter No. 12")
        with as_user(w.authorized):
            with self.assertRaisesRegex(
                    DecisionRequestError, 'decision note'):
                Suspension.refuse([Suspension(request.id)])
            Suspension.approve([Suspension(request.id)])
        project = Project(project.id)
        self.assertEqual(project.state, 'excluded')
        self.assertIn("Liquidated", project.end_reason)

    @with_transaction()
    def test_suspension_any_stage_national_only(self):
        "Any national-pool project at any stage; never regional (N§31)"
        pool = Pool()
        Project = pool.get('ncip.project')
        Suspension = pool.get('ncip.project.suspension')
        w = setup_world()
        passport = create_project(w, name="Passport")
        roadmap = create_project(w, name="Roadmap")
        approval = create_project(w, name="Approval")
        verification = create_project(w, name="Verification")
        regional = create_project(w, name="Small", cost=Decimal(1000))
        self.assertEqual(regional.pool, 'regional')
        with today(dt.date(2025, 6, 10)):
            Project.form_roadmap([roadmap, approval, verification])
            for project in [approval, verification]:
                plan_roadmap(Project(project.id))
            Project.submit([approval, verification])
            approve_all(w, Project(verification.id))
        projects = Project.browse(
            [passport.id, roadmap.id, approval.id, verification.id])
        self.assertEqual([p.state for p in projects],
            ['passport', 'roadmap', 'approval', 'verification'])
        approval_due = Project(approval.id).due_date

        def suspend(project, day):
            with today(day):
                with as_user(w.akimat):
                    request, = Suspension.create([{
                                'project': project.id,
                                'kind': 'suspension',
                                'ground': 'financing',
                                'justification': "The bank withdrew"}])
                    Suspension.request([Suspension(request.id)])
                with as_user(w.authorized):
                    Suspension.approve([Suspension(request.id)])

        for project in projects:
            with self.subTest(state=project.state):
                state = project.state
                suspend(project, dt.date(2025, 6, 20))
                project = Project(project.id)
                self.assertEqual(project.state, 'suspended')
                self.assertEqual(project.state_before_suspension, state)
                # Resumed ten days later at the same stage
                with today(dt.date(2025, 6, 30)), as_user(w.authorized):
                    Project.resume([Project(project.id)])
                project = Project(project.id)
                self.assertEqual(project.state, state)
                self.assertEqual(project.state_before_suspension, None)
        # The approval deadline waited while suspended
        self.assertEqual(Project(approval.id).due_date,
            approval_due + dt.timedelta(days=10))

        # The regional pool: neither on the form nor by the button
        with as_user(w.akimat):
            self.assertEqual(PYSONDecoder().decode(Suspension.fields_get(
                        ['project'])['project']['domain'])[0],
                ['pool', '=', 'national'])
            with self.assertRaises(DomainValidationError):
                Suspension.create([{
                            'project': regional.id, 'kind': 'suspension',
                            'ground': 'financing',
                            'justification': "No money"}])
        request, = Suspension.create([{
                    'project': passport.id, 'kind': 'exclusion',
                    'ground': 'request', 'justification': "Withdrawn",
                    'investor_agreed': True,
                    'investor_agreement_date': dt.date(2025, 6, 30),
                    'investor_agreement_document': "Letter No. 7"}])
        # The cost fell under the threshold meanwhile
        Project.write([Project(passport.id)], {'cost': Decimal(1000)})
        self.assertEqual(Project(passport.id).pool, 'regional')
        with self.assertRaisesRegex(SuspensionError, 'national pool'):
            Suspension.request([Suspension(request.id)])
        Project.write([Project(passport.id)], {'cost': Decimal(10 ** 9)})
        Suspension.request([Suspension(request.id)])
        with as_user(w.authorized):
            Suspension.approve([Suspension(request.id)])
        self.assertEqual(Project(passport.id).state, 'excluded')

    @with_transaction()
    def test_no_progress_to_council(self):
        "Projects without progress go on the council's agenda (N§7.2)"
        pool = Pool()
        Project = pool.get('ncip.project')
        Task = pool.get('ncip.roadmap.task')
        Meeting = pool.get('ncip.council.meeting')
        AgendaItem = pool.get('ncip.council.agenda_item')
        Configuration = pool.get('kz.configuration')
        Deadline = pool.get('kz.deadline')
        from trytond.modules.kz_ncip.exceptions import (
            CouncilError, CouncilValidationError)
        Configuration.create([{}])
        w = setup_world()
        self.assertEqual(Configuration(1).no_progress_days, 90)
        with today(dt.date(2025, 6, 1)):
            idle = create_project(w, name="Idle passport")
            busy = project_with_roadmap(w, name="Busy")
            done = project_with_roadmap(w, name="Monitored")
        Project.write([Project(done.id)], {'state': 'post_investment'})
        # The state changes are progress
        self.assertEqual(Project(idle.id).progress_date, dt.date(2025, 6, 1))
        self.assertEqual(Project(busy.id).progress_date, dt.date(2025, 6, 10))

        def stalled(date):
            with today(date):
                return set(Project.search([('stalled', '=', True)]))
        # No progress for 90 days: from 30 August for the passport
        self.assertEqual(stalled(dt.date(2025, 8, 29)), set())
        self.assertEqual(stalled(dt.date(2025, 8, 30)), {idle})
        self.assertEqual(stalled(dt.date(2025, 9, 8)), {idle, busy})
        with today(dt.date(2025, 9, 8)):
            self.assertEqual(Project(busy.id).stalled, True)
            self.assertNotIn(busy, Project.search([('stalled', '!=', True)]))
            self.assertIn(done, Project.search([('stalled', '=', False)]))
            # The daily deadline check is no progress
            Deadline.check_deadlines()
        self.assertEqual(stalled(dt.date(2025, 9, 8)), {idle, busy})
        # A task update is
        task = Project(busy.id).tasks[0]
        with today(dt.date(2025, 9, 8)):
            Task.write([task], {'actual_end': dt.date(2025, 9, 5)})
        self.assertEqual(Project(busy.id).progress_date, dt.date(2025, 9, 8))
        self.assertEqual(stalled(dt.date(2025, 9, 8)), {idle})
        # The setting decides
        Configuration.write([Configuration(1)], {'no_progress_days': 200})
        self.assertEqual(stalled(dt.date(2025, 9, 8)), set())
        Configuration.write([Configuration(1)], {'no_progress_days': 90})

        with today(dt.date(2025, 9, 8)):
            with as_user(w.authorized):
                with self.assertRaisesRegex(CouncilError, 'planned'):
                    Project.add_to_agenda([Project(idle.id)])
            meeting, = Meeting.create([{
                        'name': "Investment Council",
                        'date': dt.date(2025, 9, 20)}])
            with as_user(w.akimat):
                with self.assertRaises(AccessButtonError):
                    Project.add_to_agenda([Project(idle.id)])
            with as_user(w.authorized):
                Project.add_to_agenda([Project(idle.id), Project(busy.id)])
                # Twice is once
                Project.add_to_agenda([Project(idle.id)])
        meeting = Meeting(meeting.id)
        self.assertEqual(
            [(i.project, i.kind) for i in meeting.agenda],
            [(idle, 'no_progress'), (busy, 'project')])
        self.assertIn("2025-06-01", meeting.agenda[0].subject)
        self.assertEqual(
            [i.meeting for i in Project(idle.id).agenda_items], [meeting])
        # Generating the agenda adds the other projects without progress
        with today(dt.date(2025, 9, 8)):
            later, = Meeting.create([{
                        'name': "Investment Council",
                        'date': dt.date(2025, 12, 20)}])
            Meeting.generate_agenda([meeting, later])
        self.assertEqual(len(Meeting(meeting.id).agenda), 2)
        self.assertEqual(
            [(i.project, i.kind) for i in Meeting(later.id).agenda], [])
        # The agenda is not limited to projects
        with as_user(w.authorized):
            with self.assertRaises(CouncilValidationError):
                AgendaItem.create([{
                            'meeting': meeting.id, 'kind': 'climate'}])
            AgendaItem.create([{
                        'meeting': meeting.id, 'kind': 'climate',
                        'subject': "Visa support for engineers"}])
        self.assertIn("Visa support for engineers",
            [i.subject for i in Meeting(meeting.id).agenda])

    @with_transaction()
    def test_auto_exclusion_cron(self):
        "Excluded 3 years after Module 3 or at the contract end (N§34)"
        pool = Pool()
        Project = pool.get('ncip.project')
        w = setup_world()
        monitored = project_with_roadmap(w, name="Monitored")
        contract = project_with_roadmap(w, name="Contract",
            investment_contract=True, contract_start=dt.date(2025, 1, 1),
            contract_end=dt.date(2027, 12, 31))
        other = project_with_roadmap(w, name="Other")
        # Suspended in Module 3, and suspended before it (no monitoring)
        suspended = project_with_roadmap(w, name="Suspended in Module 3")
        halted = project_with_roadmap(w, name="Suspended roadmap")
        Project.write([monitored, suspended], {
                'state': 'post_investment',
                'monitoring_start': dt.date(2025, 10, 1),
                'monitoring_end': dt.date(2028, 10, 1)})
        Project.suspend([suspended, halted])
        self.assertEqual(
            Project(suspended.id).state_before_suspension, 'post_investment')
        with today(dt.date(2027, 12, 31)):
            self.assertEqual(Project.exclude_expired(), [contract])
        with today(dt.date(2028, 9, 30)):
            self.assertEqual(Project.exclude_expired(), [])
        with today(dt.date(2028, 10, 1)):
            self.assertEqual(
                set(Project.exclude_expired()), {monitored, suspended})
        with today(dt.date(2040, 1, 1)):
            self.assertEqual(Project.exclude_expired(), [])
        self.assertEqual(Project(monitored.id).state, 'excluded')
        self.assertEqual(Project(suspended.id).state, 'excluded')
        self.assertEqual(Project(contract.id).state, 'excluded')
        self.assertEqual(Project(other.id).state, 'with_roadmap')
        self.assertEqual(Project(halted.id).state, 'suspended')

    @with_transaction()
    def test_back_to_initiative(self):
        "Conditions changed: the project goes back with a reason (N§41)"
        Project = Pool().get('ncip.project')
        w = setup_world()
        project = create_project(w)
        with as_user(w.akimat):
            with self.assertRaisesRegex(ProjectError, 'reason'):
                Project.back_to_initiative([Project(project.id)])
            Project.write([Project(project.id)], {
                    'return_reason': "The region changed"})
            Project.back_to_initiative([Project(project.id)])
        project = Project(project.id)
        self.assertEqual(project.state, 'returned')
        self.assertEqual(project.end_reason, "The region changed")
        if 'initiative' in Project._fields:
            self.assertEqual(project.initiative.state, 'returned')
            self.assertIn((project.initiative, 'state:returned'),
                logged_transitions())

    @with_transaction()
    def test_pool_recomputed_on_mrp_change(self):
        "A changed MRP moves the projects of its year between pools"
        pool = Pool()
        MRP = pool.get('kz.mrp')
        Project = pool.get('ncip.project')
        w = setup_world()
        cost = Decimal(150000) * Decimal(3932)
        project = create_project(w, cost=cost)
        self.assertEqual(project.pool, 'national')
        mrp, = MRP.search([('year', '=', 2025)])
        MRP.write([mrp], {'amount': mrp.amount + 1})
        # Moved by a queued task, not in the request of the settings
        self.assertEqual(Project(project.id).pool, 'national')
        self.assertEqual([q.data['method']
                for q in Pool().get('ir.queue').search([])],
            ['recompute_thresholds'])
        run_queue()
        self.assertEqual(Project(project.id).pool, 'regional')
        config = pool.get('kz.configuration')(1)
        config.national_pool_mrp = Decimal(1000)
        config.save()
        run_queue()
        self.assertEqual(Project(project.id).pool, 'national')
        config.national_pool_mrp = Decimal(150000)
        config.save()
        run_queue()
        self.assertEqual(Project(project.id).pool, 'regional')
        # Deleted, the year keeps its pools until an MRP is entered again
        MRP.delete([MRP(mrp.id)])
        run_queue()
        self.assertEqual(Project(project.id).pool, 'regional')
        # An MRP moved to the year moves its projects
        moved, = MRP.create([{'year': 2099, 'amount': Decimal(3932)}])
        run_queue()
        self.assertEqual(Project(project.id).pool, 'regional')
        MRP.write([moved], {'year': 2025})
        run_queue()
        self.assertEqual(Project(project.id).pool, 'national')

    @with_transaction()
    def test_monitoring_plan_annex2(self):
        "The Annex 2 plan of a year lists its activities under the seed's sections"
        pool = Pool()
        Activity = pool.get('ncip.monitoring.activity')
        Plan = pool.get('ncip.monitoring.plan.xlsx', type='report')
        w = setup_world()
        title, sections = annex2_seed()
        self.assertEqual(len(sections), 3)
        with today(dt.date(2026, 1, 2)):
            planned = Activity.plan()
        unplanned, = Activity.create([{
                    'kind': 'unplanned', 'name': "Check of =1+1",
                    'year': 2025, 'planned_date': dt.date(2025, 11, 5),
                    'organization': w.akimat_org.id,
                    }])
        other_year, = Activity.create([{
                    'kind': 'unplanned', 'name': "Next year",
                    'year': 2026, 'planned_date': dt.date(2026, 2, 5),
                    }])
        with language('ru', 'kz_base', 'kz_ncip'):
            oext, content, _, _ = Plan.execute([unplanned.id], {})
        self.assertEqual(oext, 'xlsx')
        workbook = load_workbook(io.BytesIO(content))
        self.assertEqual(len(workbook.worksheets), 1)
        rows = list(workbook.active.iter_rows(values_only=True))
        self.assertTrue(rows[0][0].startswith(title), rows[0][0])
        self.assertIn('2025', rows[0][0])
        self.assertEqual(rows[1][:5], ('№', 'Мероприятие', 'Квартал',
                'Ответственный', 'Плановая дата'))
        # The three sections of Annex 2, in the order of the seed
        section_rows = [r[1] for r in rows[2:] if r[0] is None]
        self.assertEqual(section_rows, sections)
        by_name = {r[1]: r for r in rows[2:] if r[0] is not None}
        self.assertEqual(len(by_name), len({a.name for a in planned}) + 1)
        self.assertNotIn("Next year", by_name)
        # Text from users is never a formula
        self.assertEqual(workbook.active.cell(
                rows.index(by_name["Check of =1+1"]) + 1, 2).data_type, 's')
        self.assertEqual(by_name["Check of =1+1"][3], w.akimat_org.rec_name)

    @with_transaction()
    def test_quarterly_reports_and_plan(self):
        "Reports by the 15th/20th from data, Excel and document; Annex 2"
        pool = Pool()
        Report = pool.get('ncip.quarterly.report')
        Activity = pool.get('ncip.monitoring.activity')
        Xlsx = pool.get('ncip.quarterly.report.xlsx', type='report')
        w = setup_world()
        project_with_roadmap(w)
        with today(dt.date(2026, 1, 2)):
            reports = Report.create_quarterly()
            self.assertEqual(Report.create_quarterly(), [])
        by_org = {r.organization: r for r in reports}
        regional = by_org[w.akimat_org]
        consolidated = by_org[w.kazinvest_org]
        self.assertIn(w.embassy_org, by_org)
        self.assertEqual(regional.due_date, dt.date(2026, 1, 15))
        self.assertEqual(consolidated.due_date, dt.date(2026, 1, 20))
        self.assertEqual(len(regional.lines), 1)
        # Due 1 Sep, 1 Oct, 31 Oct, 30 Nov, 30 Dec 2025: late at the end
        self.assertEqual(regional.lines[0].late_tasks, 5)
        self.assertEqual(len(by_org[w.akimat2_org].lines), 0)
        oext, content, _, _ = Xlsx.execute([regional.id], {})
        self.assertEqual(oext, 'xlsx')
        sheet = load_workbook(io.BytesIO(content)).active
        self.assertEqual(sheet['A3'].value, 'Glass factory')
        self.assertEqual(sheet['H3'].value, 5)
        Document = pool.get('ncip.quarterly.report.document', type='report')
        oext, content, _, _ = Document.execute([regional.id], {})
        # Rendered to PDF for real
        self.assertEqual(oext, 'pdf')
        self.assertIn('Glass factory', pdf_text(content))
        with as_user(w.akimat):
            Report.submit([Report(regional.id)])
        self.assertEqual(Report(regional.id).state, 'submitted')

        with today(dt.date(2026, 1, 2)):
            activities = Activity.plan()
            self.assertEqual(Activity.plan(), [])
        kinds = {(a.kind, a.code) for a in activities}
        self.assertIn(('quarterly', 'quarter_results'), kinds)
        self.assertIn(('annual', 'year_results'), kinds)
        pool_updates = [a for a in activities if a.code == 'regional_pool']
        self.assertEqual({a.organization for a in pool_updates},
            {w.akimat_org, w.akimat2_org})
        self.assertEqual(pool_updates[0].planned_date, dt.date(2026, 1, 15))
