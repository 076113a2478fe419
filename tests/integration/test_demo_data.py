# This file is part of the KZ Investment Platform.
"""The demo data loads on a database with every addon, and every demo
user gets its organisation and the groups of its role."""
import os
import unittest

from tests import support

DATABASE = 'test_integration_demo'


class DemoDataTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        support.demo_database(DATABASE)

    def test_demo_users_and_rule_context(self):
        "Each demo user has an organisation, a role and its rule context"
        from proteus import Model
        from proteus import config as pconfig
        config = pconfig.set_trytond(
            database=DATABASE, config_file=support.config_file())
        User = Model.get('res.user')
        akimat, = User.find([('login', '=', 'akimat.astana')])
        self.assertEqual(akimat.kz_organization.kind, 'akimat')
        self.assertEqual(akimat.kz_region.code, '710000000')
        groups = {g.name for g in akimat.groups}
        self.assertIn('Regional Front Office (Akimat)', groups)
        for login in ['embassy', 'kazinvest', 'ministry', 'atameken',
                'akimat.shymkent', 'authorized', 'taskforce', 'council',
                'prosecutor.astana', 'genprosecutor', 'investor.qazaqglass',
                'investor.steppe', 'damu.officer', 'damu.manager',
                'damu.coordinator', 'damu.commission', 'bank', 'bank.bcc']:
            with self.subTest(login=login):
                user, = User.find([('login', '=', login)])
                self.assertTrue(user.kz_organization)
                self.assertTrue(user.roles)
        Organization = Model.get('kz.organization')
        self.assertEqual(
            len(Organization.find([('kind', '=', 'akimat')])), 20)
        # Loading a second time changes nothing
        self.assertEqual(len(User.find([('login', '=', 'authorized')])), 1)
        config  # keep the connection alive for the finds above

    def test_translations_loaded(self):
        "Russian and Kazakh are translatable and carry region names"
        from proteus import Model
        from proteus import config as pconfig
        pconfig.set_trytond(
            database=DATABASE, config_file=support.config_file())
        Lang = Model.get('ir.lang')
        codes = {l.code for l in Lang.find([('translatable', '=', True)])}
        self.assertTrue({'ru', 'kk'} <= codes)
        Region = Model.get('kz.region')
        with pconfig.get_config().set_context(language='ru'):
            astana, = Region.find([('code', '=', '710000000')])
            self.assertEqual(astana.name, 'Астана')
        with pconfig.get_config().set_context(language='kk'):
            abai, = Region.find([('code', '=', '100000000')])
            self.assertEqual(abai.name, 'Абай облысы')

    def test_issue15_flows(self):
        "The demo shows the NCIP flows of issue 15"
        from proteus import Model
        from proteus import config as pconfig
        pconfig.set_trytond(
            database=DATABASE, config_file=support.config_file())
        Project = Model.get('ncip.project')
        # Module 3 after the validated design capacity (N§68)
        line, = Project.find([('name', '=', "Glass container line")])
        self.assertEqual(line.state, 'post_investment')
        self.assertTrue(line.submission_date)
        # A suspension request on a passport of the national pool (N§31)
        Suspension = Model.get('ncip.project.suspension')
        request, = Suspension.find(
            [('project.name', '=', "Float glass plant")])
        self.assertEqual(request.state, 'requested')
        # Projects without progress, one on the council's agenda (N§7.2)
        stalled = {p.name for p in Project.find([('stalled', '=', True)])}
        self.assertTrue(
            {"Float glass plant", "Wind farm 50 MW"} <= stalled)
        Meeting = Model.get('ncip.council.meeting')
        meeting, = Meeting.find([('state', '=', 'planned')])
        kinds = {(i.kind, i.project.name if i.project else None)
            for i in meeting.agenda}
        self.assertIn(('no_progress', "Float glass plant"), kinds)
        self.assertIn(('climate', None), kinds)
        self.assertIn('problem', {k for k, _ in kinds})
        # A quasi-state entity's measure goes to the General Prosecutor
        Measure = Model.get('prosecutor.measure')
        measure, = Measure.find([('issuer.kind', '=', 'quasi_state')])
        self.assertEqual(measure.prosecutor.kind, 'general_prosecutor')
        # Rates and priority goods imported from their files; a project
        # kept in the green corridor whose score fell (N§28)
        Rate = Model.get('currency.currency.rate')
        self.assertTrue(Rate.find([('currency.code', '=', 'USD'),
                    ('date', '=', line.passport_date)]))
        self.assertTrue(Model.get('green_corridor.priority_good').find(
                [('code', '=', '8502')]))
        solar, = Project.find([('name', '=', "Solar panel plant")])
        self.assertEqual(solar.green_corridor, True)
        self.assertEqual(solar.gc_threshold_met, False)
        self.assertLess(solar.gc_score_difference, 0)
        # The monitoring plan revised last year, this year's revision due
        # (Annex 2 para. 8)
        Revision = Model.get('ncip.monitoring.plan.revision')
        done, = Revision.find([('state', '=', 'done')])
        draft, = Revision.find([('state', '=', 'draft')])
        self.assertEqual(draft.previous_revision, done)
        self.assertTrue(draft.due_date)

    def test_damu_cases(self):
        "The demo shows a guarantee paid out under the guarantee and a "
        "Mechanism contract that met its obligation by the jobs alone"
        from decimal import Decimal

        from proteus import Model
        from proteus import config as pconfig
        pconfig.set_trytond(
            database=DATABASE, config_file=support.config_file())
        Contract = Model.get('damu.contract')
        Line = Model.get('damu.bank.report.line')
        paid, = Contract.find([('number', '=', 'HB-G-2024-001')])
        self.assertEqual(paid.guarantee_paid, Decimal(6000000))
        self.assertEqual(paid.guarantee_balance, Decimal(54000000))
        line, = Line.find([('contract', '=', paid.id)])
        self.assertEqual(line.guarantee_paid, Decimal(6000000))
        self.assertEqual(line.report.state, 'received')
        mechanism, = Contract.find([('number', '=', 'HB-M-2021-001')])
        self.assertEqual(mechanism.instrument, 'mechanism')
        monitoring, = mechanism.monitorings
        self.assertEqual(monitoring.jobs_actual, mechanism.jobs_base)
        self.assertEqual(monitoring.revenue_actual, mechanism.revenue_base)
        self.assertIs(monitoring.growth_met, True)


if os.environ.get('KZ_SKIP_INTEGRATION'):
    del DemoDataTestCase
