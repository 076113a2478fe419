# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
import datetime as dt

from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.modules.kz_base.exceptions import ApprovalError
from trytond.modules.kz_base.tests.tools import (
    as_user, create_user, first_column_links, region, today)
from trytond.modules.kz_ncip.tests.tools import ASTANA, SHYMKENT
from trytond.modules.kz_prosecutor_filter.exceptions import (
    MeasureError, MeasureValidationError)
from trytond.modules.kz_prosecutor_filter.measure import ASSESSED_KINDS, KINDS
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

# A region without a prosecutor's office in the tests
ALMATY = '750000000'


def setup():
    "Organisations, users per role, an investor and a project in Astana"
    pool = Pool()
    Organization = pool.get('kz.organization')
    Party = pool.get('party.party')
    Project = pool.get('ncip.project')
    orgs = {}
    for key, kind, code in [
            ('akimat_astana', 'akimat', ASTANA),
            ('akimat_shymkent', 'akimat', SHYMKENT),
            ('ministry', 'central_state_body', None),
            ('pro_astana', 'prosecutor', ASTANA),
            ('pro_shymkent', 'prosecutor', SHYMKENT),
            ('gpo', 'general_prosecutor', None),
            ]:
        orgs[key], = Organization.create([{
                    'name': key, 'kind': kind,
                    'region': region(code).id if code else None}])
    investor, other = Party.create([{'name': "Investor"}, {'name': "Other"}])
    users = {login: create_user(login, group, orgs[org])
        for login, org, group in [
            ('akimat', 'akimat_astana', 'group_regional_front_office'),
            ('akimat2', 'akimat_shymkent', 'group_regional_front_office'),
            ('ministry', 'ministry', 'group_central_state_body'),
            ('prosecutor', 'pro_astana', 'group_prosecutor'),
            ('prosecutor2', 'pro_shymkent', 'group_prosecutor'),
            ('gpo', 'gpo', 'group_general_prosecutor'),
            ]}
    project, = Project.create([{
                'name': "Plant", 'investor': investor.id,
                'region': region(ASTANA).id,
                'passport_date': dt.date(2025, 6, 1)}])
    return orgs, users, investor, project


def create_measure(orgs, investor, issuer='ministry', **values):
    Measure = Pool().get('prosecutor.measure')
    measure, = Measure.create([dict({
                    'kind': 'permit_suspension',
                    'issuer': orgs[issuer].id,
                    'investor': investor.id,
                    'legal_grounds': "Art. 1",
                    }, **values)])
    return measure


class KzProsecutorFilterTestCase(ModuleTestCase):
    "Test kz_prosecutor_filter module"
    module = 'kz_prosecutor_filter'

    @with_transaction()
    def test_routing(self):
        "Local acts go to the regional office, central ones to the GPO"
        Measure = Pool().get('prosecutor.measure')
        orgs, users, investor, project = setup()
        for issuer, values, expected in [
                ('akimat_astana', {'project': project.id}, 'pro_astana'),
                ('akimat_shymkent', {}, 'pro_shymkent'),
                ('akimat_astana', {'region': region(SHYMKENT).id},
                    'pro_shymkent'),
                ('ministry', {'project': project.id}, 'gpo'),
                ]:
            with self.subTest(issuer=issuer, values=values):
                measure, = Measure.create([dict({
                                'kind': 'permit_suspension',
                                'issuer': orgs[issuer].id,
                                'investor': investor.id,
                                'legal_grounds': "Art. 1",
                                }, **values)])
                Measure.submit([measure])
                self.assertEqual(measure.state, 'submitted')
                self.assertEqual(measure.prosecutor, orgs[expected])
                approval, = measure.approvals
                self.assertEqual(approval.organization, orgs[expected])

    @with_transaction()
    def test_approve_and_effect(self):
        "Only the routed office decides; the measure takes effect approved"
        pool = Pool()
        Measure = pool.get('prosecutor.measure')
        Approval = pool.get('kz.approval')
        orgs, users, investor, project = setup()
        measure, = Measure.create([{
                    'kind': 'suspension_activity',
                    'issuer': orgs['akimat_astana'].id,
                    'investor': investor.id, 'project': project.id,
                    'legal_grounds': "Art. 2"}])
        Measure.submit([measure])
        approval, = measure.approvals
        self.assertEqual(measure.in_effect, False)
        # The issuing body cannot approve its own measure, nor another
        # prosecutor's office
        # (refused by the engine, or earlier by the record rules and the
        # button's access)
        for login in ['akimat', 'prosecutor2']:
            with self.subTest(login=login), as_user(users[login]):
                with self.assertRaises(
                        (ApprovalError, AccessError, AccessButtonError)):
                    Approval.approve([Approval(approval.id)])
        with as_user(users['prosecutor']):
            Approval.approve([Approval(approval.id)])
        measure = Measure(measure.id)
        self.assertEqual(measure.state, 'approved')
        self.assertEqual(measure.in_effect, True)
        self.assertIsNotNone(measure.decision_date)
        self.assertEqual(
            list(project.__class__(project.id).restrictive_measures),
            [measure])

    @with_transaction()
    def test_reject_needs_reason(self):
        "A rejection needs a reason, which the measure keeps"
        pool = Pool()
        Measure = pool.get('prosecutor.measure')
        Approval = pool.get('kz.approval')
        orgs, users, investor, project = setup()
        measure, = Measure.create([{
                    'kind': 'contract_termination',
                    'issuer': orgs['ministry'].id,
                    'investor': investor.id, 'legal_grounds': "Art. 3"}])
        Measure.submit([measure])
        approval, = measure.approvals
        with as_user(users['gpo']):
            with self.assertRaises(ApprovalError):
                Approval.reject([Approval(approval.id)])
            approval = Approval(approval.id)
            approval.reason = "No violation was established"
            approval.save()
            Approval.reject([approval])
        measure = Measure(measure.id)
        self.assertEqual(measure.state, 'rejected')
        self.assertEqual(measure.in_effect, False)
        self.assertEqual(
            measure.decision_reason, "No violation was established")

    @with_transaction()
    def test_to_decide_and_reject_dialog(self):
        """The measure waits in the prosecutor's "To decide" list, which
        names it, its region and investor; he rejects it in one dialog
        that asks the reason; the other office never sees the line"""
        pool = Pool()
        Measure = pool.get('prosecutor.measure')
        Approval = pool.get('kz.approval')
        Reject = pool.get('kz.approval.reject', type='wizard')
        orgs, users, investor, project = setup()
        measure = create_measure(orgs, investor, issuer='akimat_astana',
            project=project.id)
        Measure.submit([measure])
        line, = Measure(measure.id).approvals
        with as_user(users['prosecutor']):
            line, = Approval.search([('to_decide', '=', True)])
            self.assertEqual(line.document_number, measure.number)
            self.assertIn("Suspension or Revocation of a Permit",
                line.document_name)
            self.assertEqual(line.document_region, region(ASTANA))
            self.assertEqual(line.document_investor, "Investor")
            self.assertEqual(line.due_date, Measure(measure.id).due_date)
            session_id, _, _ = Reject.create()
            with Transaction().set_context(active_model='kz.approval',
                    active_id=line.id, active_ids=[line.id]):
                reject = Reject(session_id)
                reject.start.reason = "The inspection act is missing"
                reject.start.signed_document = None
                reject.transition_reject()
        measure = Measure(measure.id)
        self.assertEqual(measure.state, 'rejected')
        self.assertEqual(
            measure.decision_reason, "The inspection act is missing")
        # Record rules: the issuer follows its measure, the other
        # office sees nothing
        for login, expected in [('prosecutor', [line]), ('akimat', [line]),
                ('prosecutor2', []), ('ministry', [])]:
            with self.subTest(login=login), as_user(users[login]):
                self.assertEqual(Approval.search([]), expected)

    @with_transaction()
    def test_return_for_rework(self):
        "The routed office returns with a reason; the body resubmits"
        Measure = Pool().get('prosecutor.measure')
        orgs, users, investor, project = setup()
        measure, = Measure.create([{
                    'kind': 'tax_audit', 'issuer': orgs['akimat_astana'].id,
                    'investor': investor.id, 'project': project.id,
                    'legal_grounds': "Tax code"}])
        Measure.submit([measure])
        with as_user(users['prosecutor2']):
            with self.assertRaises((MeasureError, AccessError)):
                Measure.return_([Measure(measure.id)])
        with as_user(users['prosecutor']):
            with self.assertRaises(MeasureError):
                Measure.return_([Measure(measure.id)])
        measure.return_reason = "Attach the audit plan"
        measure.save()
        with as_user(users['prosecutor']):
            Measure.return_([Measure(measure.id)])
        measure = Measure(measure.id)
        self.assertEqual(measure.state, 'returned')
        self.assertEqual(measure.decision_reason, "Attach the audit plan")
        self.assertEqual(measure.approval_state, None)
        Measure.submit([measure])
        measure = Measure(measure.id)
        self.assertEqual(measure.state, 'submitted')
        self.assertEqual(measure.approval_round, 2)

    @with_transaction()
    def test_deadline(self):
        "The decision is due in 5 working days from the submission"
        pool = Pool()
        Measure = pool.get('prosecutor.measure')
        Date = pool.get('ir.date')
        orgs, users, investor, project = setup()
        measure, = Measure.create([{
                    'kind': 'lawsuit', 'issuer': orgs['ministry'].id,
                    'investor': investor.id, 'legal_grounds': "Civil code"}])
        from unittest.mock import patch
        with patch.object(Date, 'today', return_value=dt.date(2025, 6, 2)):
            Measure.submit([measure])
        measure = Measure(measure.id)
        self.assertEqual(measure.submitted_date, dt.date(2025, 6, 2))
        # Monday 2 June 2025 + 5 working days (Friday 6 June is Kurban Ait)
        self.assertEqual(measure.due_date, dt.date(2025, 6, 10))
        with patch.object(Date, 'today', return_value=dt.date(2025, 6, 20)):
            self.assertEqual(
                Measure.search([('deadline_state', '=', 'overdue')]),
                [measure])

    @with_transaction()
    def test_access_per_role(self):
        "Each office sees what concerns it"
        pool = Pool()
        Measure = pool.get('prosecutor.measure')
        orgs, users, investor, project = setup()
        astana, shymkent, central = Measure.create([{
                    'kind': 'permit_refusal',
                    'issuer': orgs['akimat_astana'].id,
                    'investor': investor.id, 'project': project.id,
                    'legal_grounds': "A"}, {
                    'kind': 'permit_refusal',
                    'issuer': orgs['akimat_shymkent'].id,
                    'investor': investor.id, 'legal_grounds': "B"}, {
                    'kind': 'permit_refusal',
                    'issuer': orgs['ministry'].id,
                    'investor': investor.id, 'legal_grounds': "C"}])
        Measure.submit([astana, shymkent, central])
        for login, expected in [
                ('prosecutor', [astana]),
                ('prosecutor2', [shymkent]),
                ('gpo', [astana, shymkent, central]),
                ('akimat', [astana]),
                ('ministry', [central]),
                ]:
            with self.subTest(login=login), as_user(users[login]):
                self.assertEqual(
                    sorted(Measure.search([]), key=lambda m: m.id),
                    expected)
        # A body cannot create a measure on behalf of another
        with as_user(users['prosecutor']):
            with self.assertRaises(AccessError):
                Measure.create([{
                            'kind': 'lawsuit',
                            'issuer': orgs['pro_astana'].id,
                            'investor': investor.id,
                            'legal_grounds': "D"}])

    @with_transaction()
    def test_investor_sees_decided_measures(self):
        "An investor sees the measures concerning it once decided"
        pool = Pool()
        Measure = pool.get('prosecutor.measure')
        Approval = pool.get('kz.approval')
        Organization = pool.get('kz.organization')
        Party = pool.get('party.party')
        orgs, users, investor, project = setup()
        other, = Party.create([{'name': "Other investor"}])
        investor_org, = Organization.create([{
                    'name': "Investor", 'kind': 'investor',
                    'party': investor.id}])
        investor_user = create_user(
            'investor', 'group_investor', investor_org)
        pending, decided, foreign = Measure.create([{
                    'kind': 'permit_refusal',
                    'issuer': orgs['ministry'].id,
                    'investor': investor.id, 'legal_grounds': "A"}, {
                    'kind': 'permit_refusal',
                    'issuer': orgs['ministry'].id,
                    'investor': investor.id, 'legal_grounds': "B"}, {
                    'kind': 'permit_refusal',
                    'issuer': orgs['ministry'].id,
                    'investor': other.id, 'legal_grounds': "C"}])
        Measure.submit([pending, decided, foreign])
        with as_user(users['gpo']):
            Approval.approve([a for m in [decided, foreign]
                    for a in Measure(m.id).approvals])
        with as_user(investor_user):
            self.assertEqual(Measure.search([]), [decided])


    @with_transaction()
    def test_routing_per_tier(self):
        "Regional organisations are local; other central tiers go to the GPO"
        pool = Pool()
        Measure = pool.get('prosecutor.measure')
        Organization = pool.get('kz.organization')
        orgs, users, investor, project = setup()
        for key, kind, code in [
                ('regional_org', 'regional_organization', SHYMKENT),
                ('kazinvest_astana', 'national_company_regional', ASTANA),
                ('authorized', 'authorized_body', None),
                ]:
            orgs[key], = Organization.create([{
                        'name': key, 'kind': kind,
                        'region': region(code).id if code else None}])
        self.assertEqual(orgs['regional_org'].tier, 'regional')
        self.assertEqual(orgs['kazinvest_astana'].tier, 'central')
        self.assertEqual(orgs['authorized'].tier, None)
        for issuer, values, local, expected in [
                ('regional_org', {}, True, 'pro_shymkent'),
                ('regional_org', {'project': project.id}, True, 'pro_astana'),
                ('kazinvest_astana', {'project': project.id}, False, 'gpo'),
                ('authorized', {'project': project.id}, False, 'gpo'),
                ]:
            with self.subTest(issuer=issuer, values=values):
                measure = create_measure(orgs, investor, issuer, **values)
                self.assertEqual(measure.is_local(), local)
                Measure.submit([measure])
                self.assertEqual(measure.prosecutor, orgs[expected])

    @with_transaction()
    def test_routing_errors(self):
        "Without a region or an office the measure cannot be routed"
        pool = Pool()
        Measure = pool.get('prosecutor.measure')
        Organization = pool.get('kz.organization')
        orgs, users, investor, project = setup()
        nowhere, almaty = Organization.create([{
                    'name': "Regional organisation",
                    'kind': 'regional_organization',
                    }, {
                    'name': "Akimat of Almaty", 'kind': 'akimat',
                    'region': region(ALMATY).id,
                    }])
        measure = create_measure(orgs, investor, issuer='ministry')
        for issuer, message in [
                (nowhere, "has no region"),
                (almaty, "No prosecutor's office"),
                ]:
            with self.subTest(issuer=issuer.name):
                measure = Measure(measure.id)
                measure.issuer = issuer
                measure.save()
                with self.assertRaisesRegex(MeasureError, message):
                    Measure.submit([measure])
                self.assertEqual(Measure(measure.id).state, 'draft')
        # Without the General Prosecutor's office
        Organization.write([orgs['gpo']], {'active': False})
        central = create_measure(orgs, investor, issuer='ministry')
        with self.assertRaisesRegex(MeasureError, "No prosecutor's office"):
            Measure.submit([central])

    @with_transaction()
    def test_region_of_project(self):
        "A measure on a project is in the project's region"
        Measure = Pool().get('prosecutor.measure')
        orgs, users, investor, project = setup()
        with self.assertRaises(MeasureValidationError):
            create_measure(orgs, investor, issuer='akimat_shymkent',
                project=project.id, region=region(SHYMKENT).id)
        measure = create_measure(orgs, investor, issuer='akimat_shymkent',
            project=project.id, region=region(ASTANA).id)
        with self.assertRaises(MeasureValidationError):
            Measure.write([measure], {'region': region(SHYMKENT).id})
        # The project sets the region in the form
        measure = Measure(issuer=orgs['akimat_shymkent'],
            region=region(SHYMKENT))
        measure.project = project
        measure.on_change_project()
        self.assertEqual(measure.region, region(ASTANA))

    @with_transaction()
    def test_own_prosecutor(self):
        "A prosecutor's office cannot approve its own measure"
        pool = Pool()
        Measure = pool.get('prosecutor.measure')
        Organization = pool.get('kz.organization')
        orgs, users, investor, project = setup()
        committee, = Organization.create([{
                    'name': "Committee of the GPO",
                    'kind': 'central_state_body',
                    'parent': orgs['gpo'].id}])
        orgs['committee'] = committee
        Organization.write([orgs['pro_astana']], {'tier': 'regional'})
        for issuer, values in [
                ('gpo', {}),
                ('committee', {}),
                ('pro_astana', {'project': project.id}),
                ]:
            with self.subTest(issuer=issuer):
                measure = create_measure(orgs, investor, issuer, **values)
                with self.assertRaisesRegex(
                        MeasureError, "cannot approve its own measure"):
                    Measure.submit([measure])
                measure = Measure(measure.id)
                self.assertEqual(measure.state, 'draft')
                self.assertEqual(measure.approvals, ())

    @with_transaction()
    def test_monitoring_lists(self):
        "The prosecutors' lists show their kind of measure with the assessment"
        pool = Pool()
        Measure = pool.get('prosecutor.measure')
        ActWindow = pool.get('ir.action.act_window')
        ModelData = pool.get('ir.model.data')
        orgs, users, investor, project = setup()
        measures = {kind: create_measure(orgs, investor, kind=kind)
            for kind, _ in KINDS}
        view = ModelData.get_id(
            'kz_prosecutor_filter', 'measure_view_list_assessment')
        for action, kind in [
                ('act_measure_offences', 'administrative_offence'),
                ('act_measure_tax_audits', 'tax_audit'),
                ('act_measure_lawsuits', 'lawsuit'),
                ]:
            with self.subTest(action=action):
                action = ActWindow(
                    ModelData.get_id('kz_prosecutor_filter', action))
                self.assertEqual(action.res_model, 'prosecutor.measure')
                domain = PYSONDecoder().decode(action.pyson_domain)
                self.assertEqual(
                    [list(c) for c in domain], [['kind', '=', kind]])
                self.assertEqual(Measure.search(domain), [measures[kind]])
                self.assertEqual(action.act_window_views[0].view.id, view)
        arch = Measure.fields_view_get(view, 'tree')['arch']
        self.assertIn('name="assessment"', arch)
        self.assertEqual(sorted(ASSESSED_KINDS),
            ['administrative_offence', 'lawsuit', 'tax_audit'])

    @with_transaction()
    def test_assessment_required(self):
        "Lawsuits, tax audits and offence cases are decided with an assessment"
        pool = Pool()
        Measure = pool.get('prosecutor.measure')
        Approval = pool.get('kz.approval')
        orgs, users, investor, project = setup()
        for kind in ASSESSED_KINDS:
            with self.subTest(kind=kind):
                approved = create_measure(orgs, investor, kind=kind)
                rejected = create_measure(orgs, investor, kind=kind)
                Measure.submit([approved, rejected])
                with as_user(users['gpo']):
                    approval, = Measure(approved.id).approvals
                    with self.assertRaisesRegex(MeasureError, "assessment"):
                        Approval.approve([approval])
                    Approval.write([approval], {'reason': "No grounds"})
                    with self.assertRaisesRegex(MeasureError, "assessment"):
                        Approval.reject([Approval(approval.id)])
                    self.assertEqual(Approval(approval.id).state, 'pending')
                    Measure.write([Measure(approved.id)], {
                            'assessment': 'lawful'})
                    Approval.write([approval], {'reason': None})
                    Approval.approve([Approval(approval.id)])

                    approval, = Measure(rejected.id).approvals
                    Approval.write([approval], {'reason': "Unlawful"})
                    Measure.write([Measure(rejected.id)], {
                            'assessment': 'unlawful'})
                    with self.assertRaisesRegex(MeasureError, "grounds"):
                        Approval.reject([Approval(approval.id)])
                    Measure.write([Measure(rejected.id)], {
                            'assessment_grounds': "Art. 12 is not breached"})
                    Approval.reject([Approval(approval.id)])
                approved, rejected = Measure.browse([approved, rejected])
                self.assertEqual(approved.state, 'approved')
                self.assertEqual(approved.assessment, 'lawful')
                self.assertEqual(rejected.state, 'rejected')
                self.assertEqual(rejected.assessment, 'unlawful')
        # Other kinds need no assessment
        other = create_measure(orgs, investor, kind='contract_termination')
        Measure.submit([other])
        with as_user(users['gpo']):
            Approval.approve(list(Measure(other.id).approvals))
        self.assertEqual(Measure(other.id).state, 'approved')

    @with_transaction()
    def test_overdue_cron(self):
        "The daily check flags the late measure and tells the office once"
        pool = Pool()
        Measure = pool.get('prosecutor.measure')
        Approval = pool.get('kz.approval')
        Deadline = pool.get('kz.deadline')
        Notification = pool.get('res.notification')
        orgs, users, investor, project = setup()
        late, other = [create_measure(orgs, investor, 'akimat_astana',
                project=project.id) for _ in range(2)]
        with today(dt.date(2025, 6, 2)):
            Measure.submit([late, other])
        self.assertEqual(Measure(late.id).due_date, dt.date(2025, 6, 10))
        self.assertIn(Measure, list(Deadline.deadline_models()))

        def notifications(user):
            return Notification.search([
                    ('user', '=', user.id),
                    ('model', '=', 'prosecutor.measure'),
                    ('records', '=', '[%s]' % late.id),
                    ])
        with today(dt.date(2025, 6, 11)):
            Deadline.check_deadlines()
            Deadline.check_deadlines()
            self.assertEqual(
                Measure.search([('deadline_state', '=', 'overdue')]),
                sorted([Measure(late.id), Measure(other.id)],
                    key=lambda m: m.id))
        late = Measure(late.id)
        self.assertEqual(late.overdue, True)
        self.assertEqual(late.deadline_escalated, True)
        notification, = notifications(users['prosecutor'])
        self.assertIn('Overdue', notification.label)
        self.assertEqual(notifications(users['prosecutor2']), [])

        # Decided late, the measure is no longer overdue
        with as_user(users['prosecutor']), today(dt.date(2025, 6, 12)):
            Approval.approve(Approval.browse(
                    [a.id for a in late.approvals if a.state == 'pending']))
        late = Measure(late.id)
        self.assertEqual(late.state, 'approved')
        self.assertEqual(late.overdue, False)
        self.assertEqual(late.deadline_state, None)
        with today(dt.date(2025, 6, 13)):
            Deadline.check_deadlines()
            self.assertEqual(
                Measure.search([('deadline_state', '=', 'overdue')]),
                [Measure(other.id)])
        self.assertEqual(Measure(late.id).overdue, False)
        self.assertEqual(len(notifications(users['prosecutor'])), 1)
        # Returned for rework, it is not overdue either
        other = Measure(other.id)
        self.assertEqual(other.overdue, True)
        other.return_reason = "Attach the inspection act"
        other.save()
        with as_user(users['prosecutor']):
            Measure.return_([Measure(other.id)])
        self.assertEqual(Measure(other.id).overdue, False)

    @with_transaction()
    def test_decision_days_setting(self):
        "The configured decision days set the due date of the submissions"
        pool = Pool()
        Measure = pool.get('prosecutor.measure')
        Configuration = pool.get('kz.configuration')
        orgs, users, investor, project = setup()
        Configuration.create([{}])
        # Monday 2 June 2025; Friday 6 June is Kurban Ait
        for days, due_date in [
                (5, dt.date(2025, 6, 10)),
                (1, dt.date(2025, 6, 3)),
                (10, dt.date(2025, 6, 17)),
                ]:
            with self.subTest(days=days):
                Configuration.write([Configuration(1)], {
                        'prosecutor_decision_days': days})
                measure = create_measure(orgs, investor)
                with today(dt.date(2025, 6, 2)):
                    Measure.submit([measure])
                self.assertEqual(Measure(measure.id).due_date, due_date)


    @with_transaction()
    def test_quasi_state_issuer(self):
        "Quasi-state entities submit measures, routed as their owner (N§57)"
        pool = Pool()
        Measure = pool.get('prosecutor.measure')
        Organization = pool.get('kz.organization')
        orgs, users, investor, project = setup()
        self.assertIn('quasi_state', dict(
                Organization.fields_get(['kind'])['kind']['selection']))
        # A national holding's subsidiary, a company of the akimat of
        # Shymkent and one with no owner recorded
        national, communal, unowned = Organization.create([{
                    'name': "Railway company", 'kind': 'quasi_state',
                    'parent': orgs['ministry'].id}, {
                    'name': "Shymkent social corporation",
                    'kind': 'quasi_state',
                    'parent': orgs['akimat_shymkent'].id}, {
                    'name': "Unowned company", 'kind': 'quasi_state'}])
        for issuer, values, expected in [
                (national, {}, orgs['gpo']),
                (national, {'project': project.id}, orgs['gpo']),
                (unowned, {}, orgs['gpo']),
                # The region of the owner, or of the project
                (communal, {}, orgs['pro_shymkent']),
                (communal, {'project': project.id}, orgs['pro_astana']),
                ]:
            with self.subTest(issuer=issuer.name, values=values):
                measure, = Measure.create([dict({
                                'kind': 'contract_termination',
                                'issuer': issuer.id,
                                'investor': investor.id,
                                'legal_grounds': "Art. 3",
                                }, **values)])
                Measure.submit([measure])
                self.assertEqual(measure.prosecutor, expected)

        # A user of the entity drafts and submits its own measures only
        user = create_user('railway',
            'kz_prosecutor_filter.group_quasi_state', national,
            name="Railway")
        with as_user(user):
            own, = Measure.create([{
                        'kind': 'permit_suspension', 'issuer': national.id,
                        'investor': investor.id, 'legal_grounds': "Art. 4"}])
            Measure.submit([Measure(own.id)])
            self.assertEqual(Measure(own.id).state, 'submitted')
            self.assertEqual(
                {m.issuer for m in Measure.search([])}, {national})
            with self.assertRaises(AccessError):
                Measure.create([{
                            'kind': 'lawsuit', 'issuer': communal.id,
                            'investor': investor.id,
                            'legal_grounds': "Art. 5"}])

    @with_transaction()
    def test_decision_days_labelled_default(self):
        "The decision period is the platform's default, not the law (N§60)"
        Configuration = Pool().get('kz.configuration')
        help_ = Configuration.fields_get(
            ['prosecutor_decision_days'])['prosecutor_decision_days']['help']
        self.assertIn("platform's default", help_)
        self.assertIn("N§60", help_)
        self.assertEqual(Configuration(1).prosecutor_decision_days, 5)

    @with_transaction()
    def test_list_first_column(self):
        "The first column of every list is the record, not a link"
        self.assertEqual(first_column_links(self.module), [])


del ModuleTestCase
