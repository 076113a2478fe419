# This file is part of the KZ Investment Platform.
"""Security suite on a database with every addon and the demo users:

- the role × operation matrix of every custom model, allowed and denied,
  (ACCESS below; a new model must be added to it, or the test fails);
- the role × button matrix of every button of the platform (BUTTONS);
- record rules scoping by organisation and region, and export refused for
  records a user may not read;
- uploaded spreadsheets that are too big, zip bombs or carry XML entities
  are refused before they are parsed;
- no traceback reaches a user through JSON-RPC."""
import contextlib
import io
import json
import os
import unittest
import urllib.request
import zipfile

from tests import support

# The demo database the integration suite shares
DATABASE = 'test_integration_demo'

# The demo logins by what they are
INITIATORS = ['embassy', 'kazinvest', 'ministry', 'atameken']
AKIMATS = ['akimat.astana', 'akimat.shymkent']
PROSECUTORS = ['prosecutor.astana', 'genprosecutor']
NCIP_BODIES = INITIATORS + AKIMATS + [
    'authorized', 'taskforce', 'council'] + PROSECUTORS
INVESTORS = ['investor.qazaqglass', 'investor.steppe']
DAMU_STAFF = ['damu.officer', 'damu.manager']
DAMU_OBSERVERS = ['damu.coordinator', 'damu.commission']
BANKS = ['bank', 'bank.bcc']
ROLES = ['admin'] + NCIP_BODIES + INVESTORS + DAMU_STAFF + DAMU_OBSERVERS \
    + BANKS


def grant(logins, letters):
    "Give the same 'rwcd' letters to every login"
    return {login: letters for login in logins}


# model: {login: 'rwcd' letters allowed}; a login not listed has none.
ALL_READ = grant(ROLES, 'r')
ADMIN = {'admin': 'rwcd'}
# The NCIP bodies read the data of Modules 2 and 3 (within their record
# rules); the investors their own projects; Damu and the banks none of it.
NCIP_READ = grant(NCIP_BODIES, 'r')
INVESTOR_READ = grant(INVESTORS, 'r')
# Module 1 belongs to the initiator bodies; the akimats take over.
MODULE1 = {**grant(INITIATORS, 'rwcd'), **ADMIN}
# Damu works its contracts; banks, coordinators and the commission read
# theirs (record rules).
DAMU = {**grant(BANKS + DAMU_OBSERVERS, 'r'), 'damu.officer': 'rwc',
    'damu.manager': 'rwcd', **ADMIN}
DAMU_NOTICE = {**grant(BANKS + DAMU_OBSERVERS + ['authorized'], 'r'),
    'damu.officer': 'rwc', 'damu.manager': 'rwcd', **ADMIN}
DAMU_DETAIL = {**grant(BANKS + DAMU_OBSERVERS, 'r'),
    **grant(DAMU_STAFF + ['admin'], 'rwcd')}
PROGRAMME = {**NCIP_READ,
    **grant(AKIMATS + ['embassy', 'kazinvest', 'ministry'], 'rwcd'),
    'authorized': 'rw', **ADMIN}
ACCESS = {
    # kz_base
    'kz.region': {**ALL_READ, **ADMIN},
    'kz.organization': {**ALL_READ, **ADMIN},
    'kz.mrp': {**ALL_READ, **ADMIN},
    'kz.calendar.override': {**ALL_READ, **ADMIN},
    'kz.configuration': {**ALL_READ, **ADMIN},
    'kz.deadline.warning': {**ALL_READ, **ADMIN},
    # the home page's counters (kz_base/home.py)
    'kz.home.counter': {**ALL_READ, **ADMIN},
    'kz.home.counter-res.group': {**ALL_READ, **ADMIN},
    # The audit trail: read by its group (the administrator), written by
    # nobody
    'kz.audit.entry': {'admin': 'r'},
    # eGov sign-in requests: the sign-in routes only (as root)
    'kz.egov_idp.authorization': {},
    # the lines of the approvers' decisions: none for Damu and the banks
    'kz.approval': grant(['admin'] + NCIP_BODIES + INVESTORS, 'rw'),
    # kz_ncip Module 1
    'ncip.initiative': {**MODULE1, **grant(AKIMATS, 'rw'),
        'authorized': 'r'},
    # Writing a comment is refused by the model itself
    'ncip.initiative.comment': {**MODULE1, **grant(AKIMATS, 'rwc'),
        'authorized': 'rc'},
    'ncip.kyc.check': {**MODULE1, **grant(AKIMATS + ['authorized'], 'rwcd')},
    'ncip.meeting': {**MODULE1, **grant(AKIMATS, 'rwc'), 'authorized': 'rw'},
    'ncip.meeting.participant': {**MODULE1, **grant(AKIMATS, 'rwcd'),
        'authorized': 'rw'},
    'ncip.visit': {**MODULE1, **grant(AKIMATS + ['authorized'], 'rw')},
    'ncip.visit-kz.organization': {**MODULE1, **grant(AKIMATS, 'r'),
        'authorized': 'rwcd'},
    'ncip.visit.participant': {**MODULE1,
        **grant(AKIMATS + ['authorized'], 'rwcd')},
    # kz_ncip Modules 2 and 3
    'ncip.project': {**NCIP_READ, **INVESTOR_READ, **grant(AKIMATS, 'rwc'),
        **grant(['kazinvest', 'authorized'], 'rw'), **ADMIN},
    'ncip.project.change': {**NCIP_READ, **INVESTOR_READ, 'admin': 'r'},
    'ncip.project.issue': {**NCIP_READ, **grant(INVESTORS, 'rwc'),
        **grant(['kazinvest', 'authorized'], 'rw'), **ADMIN},
    'ncip.project.suspension': {**NCIP_READ, **INVESTOR_READ,
        **grant(AKIMATS, 'rwcd'), 'authorized': 'rw', **ADMIN},
    'ncip.roadmap.stage': {**NCIP_READ, **INVESTOR_READ,
        **grant(AKIMATS, 'rwcd'), **ADMIN},
    'ncip.roadmap.task': {**NCIP_READ, **INVESTOR_READ,
        **grant(AKIMATS, 'rwcd'), 'atameken': 'rw', **ADMIN},
    # Writing a comment is refused by the model itself
    'ncip.roadmap.task.comment': {**grant(NCIP_BODIES + INVESTORS, 'rc'),
        **ADMIN},
    # The standard tasks are no secret; the administrator keeps them
    'ncip.roadmap.template': {**ALL_READ, **ADMIN},
    'ncip.roadmap.template.line': {**ALL_READ, **ADMIN},
    'ncip.roadmap.deadline_change': {**NCIP_READ, **INVESTOR_READ,
        **grant(AKIMATS, 'rwcd'), 'authorized': 'rw', **ADMIN},
    'ncip.project.change_request': {**NCIP_READ, **INVESTOR_READ,
        **grant(AKIMATS, 'rwcd'), 'authorized': 'rw', **ADMIN},
    'ncip.quarterly.report': {**NCIP_READ,
        **grant(AKIMATS + ['embassy', 'kazinvest'], 'rwc'), **ADMIN},
    'ncip.quarterly.report.line': {**NCIP_READ, **ADMIN},
    'ncip.monitoring.plan.revision': {**NCIP_READ, 'authorized': 'rwc',
        **ADMIN},
    'ncip.monitoring.activity': {**NCIP_READ, **grant(AKIMATS, 'rw'),
        **grant(['kazinvest', 'authorized'], 'rwc'), **ADMIN},
    'ncip.rating.region': {**NCIP_READ, 'admin': 'r'},
    'ncip.rating.snapshot': {**NCIP_READ, **ADMIN},
    'ncip.rating.snapshot.line': {**NCIP_READ, **ADMIN},
    # formed by the front offices and state bodies, approved by the
    # authorized body
    'ncip.investment.programme': PROGRAMME,
    'ncip.investment.programme.line': PROGRAMME,
    'ncip.investment.programme.update': PROGRAMME,
    'ncip.investment.programme.niche': PROGRAMME,
    # asked by the investors or for them, answered by the front offices
    'ncip.information.request': {**grant(INVESTORS + AKIMATS + INITIATORS,
            'rwcd'), 'authorized': 'r', **ADMIN},
    'ncip.investor.register': {**NCIP_READ, 'admin': 'r'},
    # kz_green_corridor
    'green_corridor.priority_good': {**ALL_READ, **ADMIN},
    'green_corridor.decision': {**NCIP_READ, 'admin': 'r'},
    'green_corridor.problem': {**NCIP_READ,
        **grant(AKIMATS + ['authorized', 'taskforce'], 'rwc'), **ADMIN},
    'ncip.council.meeting': {**NCIP_READ,
        **grant(['authorized', 'council'], 'rwc'), **ADMIN},
    'ncip.council.agenda_item': {**NCIP_READ,
        **grant(['authorized', 'council'], 'rwcd'), **ADMIN},
    # kz_prosecutor_filter
    'prosecutor.measure': {**grant(AKIMATS + ['ministry'], 'rwcd'),
        **grant(PROSECUTORS, 'rw'), 'authorized': 'r', **INVESTOR_READ,
        **ADMIN},
    # kz_damu_monitoring
    'damu.contract': DAMU,
    'damu.contract.tranche': DAMU,
    'damu.monitoring': DAMU,
    'damu.monitoring.deadline': DAMU_DETAIL,
    'damu.monitoring.document': DAMU_DETAIL,
    'damu.monitoring.subject': DAMU_DETAIL,
    'damu.act': DAMU,
    # kz_eds: sign-in challenges are the server's own; signatures are
    # read by all (record rules of their documents aside) and written by
    # the server only, not even by the administrator
    'kz.eds.challenge': {},
    'kz.eds.signature': ALL_READ,
    # the notices: banks, coordinators, the commission and the authorized
    # body read those addressed to them (record rules)
    'damu.notice': DAMU_NOTICE,
    'damu.notice.line': DAMU_NOTICE,
    'damu.notice.delivery': DAMU_NOTICE,
    'damu.plan': {'damu.officer': 'rwc', 'damu.manager': 'rwcd', **ADMIN},
    'damu.bank.report': {**grant(BANKS + ['damu.officer'], 'rwc'),
        'damu.manager': 'rwcd', **ADMIN},
    # banks read the lines of their reports; only the import writes them
    'damu.bank.report.line': {**grant(BANKS, 'r'),
        **grant(DAMU_STAFF + ['admin'], 'rwcd')},
    # written by the import only, in transactions of its own
    'damu.bank.report.upload': grant(BANKS + DAMU_STAFF + ['admin'], 'r'),
    # the monthly filing of Annex 5, created by its cron
    'damu.guarantee.report.filing': grant(DAMU_STAFF + ['admin'], 'rw'),
    }
# Models that are not data a role works on (wizards, reports, SQL views)
NOT_STORED = set()


def may(*logins):
    "The admin and the logins"
    return ['admin', *logins]


# model: {button: logins that may click it}; every other login is refused.
BUTTONS = {
    # every user opens the lists of his home page
    'kz.home.counter': {'open': ROLES},
    'kz.approval': {
        # Any reader may try; only the approvers of a line decide
        'approve': ['admin'] + NCIP_BODIES + INVESTORS,
        'reject': ['admin'] + NCIP_BODIES + INVESTORS,
        # the dialogs that decide, and the document to decide on
        'approve_dialog': ['admin'] + NCIP_BODIES + INVESTORS,
        'reject_dialog': ['admin'] + NCIP_BODIES + INVESTORS,
        'open_document': ['admin'] + NCIP_BODIES + INVESTORS,
        },
    'party.party': dict.fromkeys(['kyc_start', 'kyc_pass', 'kyc_fail'],
        may(*INITIATORS, 'authorized')),
    'ncip.meeting': {'create_initiative': may(*INITIATORS)},
    'ncip.visit': {
        **dict.fromkeys(['draft', 'propose', 'done', 'create_initiative'],
            may(*INITIATORS)),
        **dict.fromkeys(['approve', 'refuse'], may('authorized')),
        },
    'ncip.initiative': {
        'hand_over': may(*INITIATORS),
        **dict.fromkeys(['assign', 'extend', 'return_to_initiator',
                'convert'], may(*AKIMATS)),
        },
    'ncip.project': {
        'form_roadmap': may(*AKIMATS, 'kazinvest'),
        'fill_roadmap': may(*AKIMATS),
        'submit': may(*AKIMATS),
        'invite_investor': may(*AKIMATS),
        'back_to_initiative': may(*AKIMATS),
        'start_monitoring': may('atameken'),
        **dict.fromkeys(['verify', 'send_back', 'close', 'resume',
                'recompute_green_corridor_button', 'add_to_agenda',
                'remove_from_green_corridor'],
            may('authorized')),
        },
    'ncip.project.issue': {'answer_issue': may('authorized', 'kazinvest')},
    'ncip.project.suspension': {
        'request': may(*AKIMATS),
        'approve': may('authorized'),
        'refuse': may('authorized'),
        },
    'ncip.roadmap.task': {
        'complete': may(*AKIMATS),
        'validate_task': may('atameken'),
        'refuse_validation': may('atameken'),
        },
    'ncip.roadmap.deadline_change': {
        'request': may(*AKIMATS),
        'approve': may('authorized'),
        'refuse': may('authorized'),
        },
    'ncip.project.change_request': {
        'request': may(*AKIMATS),
        'approve': may('authorized'),
        'refuse': may('authorized'),
        },
    'ncip.quarterly.report': dict.fromkeys(['generate', 'submit'],
        may(*AKIMATS, 'embassy', 'kazinvest')),
    'ncip.monitoring.activity': {
        'do': may(*AKIMATS, 'kazinvest', 'authorized')},
    'ncip.monitoring.plan.revision': {'revise': may('authorized')},
    'ncip.investment.programme': {
        'submit': may(*AKIMATS, 'embassy', 'kazinvest', 'ministry'),
        'approve': may('authorized'),
        'send_back': may('authorized'),
        },
    'ncip.investment.programme.update': {
        'confirm': may('embassy', 'kazinvest')},
    'ncip.information.request': {
        'submit': may(*INVESTORS, *AKIMATS, *INITIATORS),
        'answer_request': may(
            *AKIMATS, 'kazinvest', 'ministry', 'atameken'),
        },
    # Signed by the authorized body only, not the administrator
    'green_corridor.decision': {'kz_eds_sign_button': ['authorized']},
    'green_corridor.problem': {
        'resolve': may(*AKIMATS, 'authorized', 'taskforce'),
        'reopen': may('authorized', 'taskforce'),
        },
    'ncip.council.meeting': {
        'plan': may('council'),
        'generate_agenda': may('council', 'authorized'),
        'hold': may('council', 'authorized'),
        },
    'prosecutor.measure': {
        'submit': may(*AKIMATS, 'ministry'),
        'return_': may(*PROSECUTORS),
        },
    'damu.contract': {
        **dict.fromkeys(['repay', 'terminate', 'return_grant'],
            may(*DAMU_STAFF)),
        'reactivate': may('damu.manager'),
        },
    'damu.plan': {
        'select_projects': may(*DAMU_STAFF),
        'approve': may('damu.manager'),
        'draft': may('damu.manager'),
        },
    'damu.monitoring': {
        **dict.fromkeys(['notify', 'start', 'submit_report', 'back_to_work',
                'sign', 'refuse', 'declare_impossible', 'cancel',
                'notify_commission', 'receive_report',
                'communicate_results', 'kz_eds_sign_button'],
            may(*DAMU_STAFF)),
        **dict.fromkeys(['commission_extend', 'commission_terminate',
                'commission_notified'], may('damu.commission',
                'damu.manager')),
        },
    'damu.monitoring.deadline': {'complete': may(*DAMU_STAFF)},
    'damu.act': {
        'issue': may(*DAMU_STAFF),
        # The click reaches NCALayer in sao; the signature is stored by
        # the same button (kz_eds_sign)
        'kz_eds_sign_button': may(*DAMU_STAFF),
        },
    'damu.guarantee.report.filing': {'send': may(*DAMU_STAFF)},
    'damu.notice': {
        **dict.fromkeys(['send', 'resend', 'forward', 'kz_eds_sign_button'],
            may(*DAMU_STAFF)),
        'acknowledge': BANKS,
        },
    'damu.bank.report.upload': dict.fromkeys(
        ['cancel', 'import_valid_rows'], may(*BANKS, *DAMU_STAFF)),
    }


def platform_models():
    "Yield the names of the stored models of the platform's addons"
    from trytond.pool import Pool
    pool = Pool()
    IrModel = pool.get('ir.model')
    models = IrModel.search([
            ('module', 'in', support.addons()),
            ])
    for model in models:
        klass = pool.get(model.name)
        if not hasattr(klass, 'search') or model.name in NOT_STORED:
            continue
        if getattr(klass, '_is_table_query', lambda: False)():
            continue
        yield model.name


def platform_buttons():
    "Yield (model, name) of the buttons the platform's addons define"
    from trytond.pool import Pool
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    Button = pool.get('ir.model.button')
    for data in ModelData.search([
                ('model', '=', 'ir.model.button'),
                ('module', 'in', support.addons()),
                ]):
        button = Button(data.db_id)
        yield button.model, button.name


def may_click(model, name):
    """Tell whether the user passes the model-level check of
    ModelView.button: read access, then the button's groups or, without
    groups, write access (record rules and states come per record)"""
    from trytond.pool import Pool
    pool = Pool()
    ModelAccess = pool.get('ir.model.access')
    Button = pool.get('ir.model.button')
    User = pool.get('res.user')
    if not ModelAccess.check(model, 'read', raise_exception=False):
        return False
    groups = Button.get_groups(model, name)
    if groups:
        return bool(groups & set(User.get_groups()))
    return ModelAccess.check(model, 'write', raise_exception=False)


class _Rollback(Exception):
    pass


@contextlib.contextmanager
def rolled_back(**extras):
    "A transaction as root whose changes are thrown away"
    from trytond.transaction import Transaction
    try:
        with Transaction().start(DATABASE, 0, **extras) as transaction:
            yield transaction
            raise _Rollback
    except _Rollback:
        pass


def user_ids():
    from trytond.pool import Pool
    User = Pool().get('res.user')
    return {u.login: u.id for u in User.search([('login', 'in', ROLES)])}


@contextlib.contextmanager
def acting_as(login):
    "Run as the demo user with the access checks of a client call"
    from trytond.transaction import Transaction
    with Transaction().set_user(user_ids()[login]), \
            Transaction().set_context(_check_access=True):
        yield


def zipped(parts):
    output = io.BytesIO()
    with zipfile.ZipFile(output, 'w', zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return output.getvalue()


class SecurityTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        support.demo_database(DATABASE)
        from proteus import config as pconfig
        pconfig.set_trytond(
            database=DATABASE, config_file=support.config_file())

    def test_every_model_in_matrix(self):
        "Every custom model has an entry in the access matrix"
        from trytond.transaction import Transaction
        with Transaction().start(DATABASE, 0, readonly=True):
            models = set(platform_models())
        self.assertEqual(models - set(ACCESS), set(),
            msg="add these models to ACCESS in tests/integration/"
            "test_security.py")

    def test_every_role_exists(self):
        "Every login of the matrices is a demo user"
        from trytond.transaction import Transaction
        with Transaction().start(DATABASE, 0, readonly=True):
            self.assertEqual(set(ROLES) - set(user_ids()), set())

    def test_access_matrix(self):
        "Each role may do exactly what the matrix allows, on every model"
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        with Transaction().start(DATABASE, 0, readonly=True):
            ModelAccess = Pool().get('ir.model.access')
            for login in ROLES:
                with acting_as(login):
                    for model, expected in ACCESS.items():
                        allowed = expected.get(login, '')
                        for letter, mode in zip('rwcd', [
                                    'read', 'write', 'create', 'delete']):
                            with self.subTest(
                                    login=login, model=model, mode=mode):
                                self.assertEqual(
                                    ModelAccess.check(
                                        model, mode, raise_exception=False),
                                    letter in allowed)

    def test_every_button_in_matrix(self):
        "Every button of the platform has an entry in the button matrix"
        from trytond.transaction import Transaction
        with Transaction().start(DATABASE, 0, readonly=True):
            buttons = set(platform_buttons())
        listed = {(m, b) for m, names in BUTTONS.items() for b in names}
        self.assertEqual(buttons - listed, set(),
            msg="add these buttons to BUTTONS in tests/integration/"
            "test_security.py")
        self.assertEqual(listed - buttons, set())

    def test_button_matrix(self):
        "Each role may click exactly the buttons the matrix allows"
        from trytond.transaction import Transaction
        with Transaction().start(DATABASE, 0, readonly=True):
            for login in ROLES:
                with acting_as(login):
                    for model, buttons in BUTTONS.items():
                        for name, allowed in buttons.items():
                            with self.subTest(
                                    login=login, model=model, button=name):
                                self.assertEqual(
                                    may_click(model, name), login in allowed)

    def test_button_click_checked(self):
        """A real click goes through the same checks: the button's groups,
        the read access and the record rules"""
        from trytond.model.exceptions import AccessError
        from trytond.model.modelview import AccessButtonError
        from trytond.pool import Pool
        with rolled_back():
            Project = Pool().get('ncip.project')
            project, = Project.search([('name', '=', "Float glass plant")])
            for login, error in [
                    ('atameken', AccessButtonError),  # not its button
                    ('akimat.shymkent', AccessError),  # another region
                    ('bank', AccessError),  # no NCIP access at all
                    ]:
                with self.subTest(login=login), acting_as(login):
                    with self.assertRaises(error):
                        Project.form_roadmap([Project(project.id)])
            with acting_as('akimat.astana'):
                Project.form_roadmap([Project(project.id)])
            self.assertEqual(Project(project.id).state, 'roadmap')

    def assertScoped(self, login, model, allowed, denied):
        """As login, a search finds exactly the allowed records and reading
        a denied one raises AccessError"""
        from trytond.model.exceptions import AccessError
        from trytond.pool import Pool
        Model = Pool().get(model)
        self.assertTrue(allowed or denied, msg="the demo data changed")
        with acting_as(login):
            found = Model.search([
                    ('id', 'in', [r.id for r in allowed + denied])])
            self.assertEqual(
                sorted(r.id for r in found), sorted(r.id for r in allowed),
                msg=f"{login} on {model}")
            Model.read([r.id for r in allowed], ['rec_name'])
            for record in denied:
                with self.subTest(login=login, model=model, id=record.id):
                    with self.assertRaises(AccessError):
                        Model.read([record.id], ['rec_name'])

    def test_rules_ncip_region(self):
        "An akimat reads the projects, initiatives and problems of its region"
        from trytond.pool import Pool
        with rolled_back():
            pool = Pool()
            Region = pool.get('kz.region')
            astana, = Region.search([('code', '=', '710000000')])
            shymkent, = Region.search([('code', '=', '790000000')])
            for model in ['ncip.project', 'ncip.initiative']:
                Model = pool.get(model)
                of_astana = Model.search([('region', '=', astana.id)])
                of_shymkent = Model.search([('region', '=', shymkent.id)])
                self.assertScoped(
                    'akimat.astana', model, of_astana, of_shymkent)
                self.assertScoped(
                    'akimat.shymkent', model, of_shymkent, of_astana)
            Project = pool.get('ncip.project')
            Problem = pool.get('green_corridor.problem')
            cement, = Project.search([('name', '=', "Cement plant")])
            Problem.create([{'project': cement.id,
                        'subject': "Gas supply of the kiln"}])
            of_astana = Problem.search([('project.region', '=', astana.id)])
            of_shymkent = Problem.search([
                    ('project.region', '=', shymkent.id)])
            self.assertScoped('akimat.astana', 'green_corridor.problem',
                of_astana, of_shymkent)
            self.assertScoped('akimat.shymkent', 'green_corridor.problem',
                of_shymkent, of_astana)

    def test_rules_investor(self):
        "An investor reads its own projects and their roadmaps only"
        from trytond.pool import Pool
        with rolled_back():
            pool = Pool()
            Project = pool.get('ncip.project')
            Task = pool.get('ncip.roadmap.task')
            cement = Project.search([('name', '=', "Cement plant")])
            glass = Project.search([
                    ('investor.name', '=', "Qazaq Glass LLP")])
            self.assertScoped('investor.steppe', 'ncip.project', cement, glass)
            self.assertScoped(
                'investor.qazaqglass', 'ncip.project', glass, cement)
            self.assertScoped('investor.steppe', 'ncip.roadmap.task',
                Task.search([('project', 'in', [p.id for p in cement])]),
                Task.search([('project', 'in', [p.id for p in glass])]))

    def test_rules_embassy_own(self):
        "An embassy reads its own organisation's meetings and initiatives"
        from trytond.pool import Pool
        with rolled_back():
            pool = Pool()
            Organization = pool.get('kz.organization')
            Party = pool.get('party.party')
            Meeting = pool.get('ncip.meeting')
            Initiative = pool.get('ncip.initiative')
            china, = Organization.search([
                    ('name', '=', "Embassy of Kazakhstan in China")])
            germany, = Organization.search([
                    ('name', '=', "Embassy of Kazakhstan in Germany")])
            investor, = Party.search([('name', '=', "Green Wind GmbH")])
            Meeting.create([{'subject': "Solar panels", 'date':
                        Pool().get('ir.date').today(), 'organization':
                        china.id, 'investor': investor.id}])
            Initiative.create([{'name': "Solar panel plant",
                        'organization': china.id,
                        'investor': investor.id}])
            for Model in [Meeting, Initiative]:
                self.assertScoped('embassy', Model.__name__,
                    Model.search([('organization', '=', germany.id)]),
                    Model.search([('organization', '=', china.id)]))

    def test_rules_quarterly_reports(self):
        "A front office reads its own quarterly reports and their lines"
        from trytond.pool import Pool
        with rolled_back():
            pool = Pool()
            Report = pool.get('ncip.quarterly.report')
            Line = pool.get('ncip.quarterly.report.line')
            Activity = pool.get('ncip.monitoring.activity')
            Project = pool.get('ncip.project')
            astana = Report.search([('organization.name', '=',
                        "Akimat — Astana")])
            shymkent = Report.search([('organization.name', '=',
                        "Akimat — Shymkent")])
            # The demo projects are all in the national pool, which the
            # akimats' reports leave out: give each report a line
            for report in astana + shymkent:
                project = Project.search([
                        ('region', '=', report.organization.region.id)],
                    limit=1)[0]
                Line.create([{'report': report.id, 'project': project.id,
                            'region': project.region.id}])
            self.assertScoped('akimat.shymkent', 'ncip.quarterly.report',
                shymkent, astana)
            self.assertScoped('akimat.shymkent',
                'ncip.quarterly.report.line',
                Line.search([('report', 'in', [r.id for r in shymkent])]),
                Line.search([('report', 'in', [r.id for r in astana])]))
            self.assertScoped('akimat.astana', 'ncip.monitoring.activity',
                Activity.search([
                        ('organization.name', '=', "Akimat — Astana")]),
                Activity.search([
                        ('organization.name', '!=', "Akimat — Astana")]))

    def test_rules_prosecutor(self):
        "A regional prosecutor reads the measures routed to his office"
        from trytond.pool import Pool
        with rolled_back():
            Measure = Pool().get('prosecutor.measure')
            suspension, = Measure.search([('kind', '=', 'permit_suspension')])
            lawsuit, = Measure.search([('kind', '=', 'lawsuit')])
            self.assertEqual(suspension.prosecutor.region.code, '710000000')
            self.assertScoped('prosecutor.astana', 'prosecutor.measure',
                [suspension], [lawsuit])
            self.assertScoped('ministry', 'prosecutor.measure',
                [lawsuit], [suspension])
            self.assertScoped('genprosecutor', 'prosecutor.measure',
                [suspension, lawsuit], [])
            self.assertScoped('akimat.shymkent', 'prosecutor.measure',
                [], [suspension, lawsuit])

    def test_rules_approval(self):
        """A regional prosecutor reads his office's approval lines only, an
        investor those of its projects"""
        from trytond.pool import Pool
        with rolled_back():
            pool = Pool()
            Approval = pool.get('kz.approval')
            Measure = pool.get('prosecutor.measure')
            Project = pool.get('ncip.project')
            suspension, = Measure.search([('kind', '=', 'permit_suspension')])
            lawsuit, = Measure.search([('kind', '=', 'lawsuit')])
            of_suspension = Approval.search([
                    ('origin', '=', str(suspension))])
            of_lawsuit = Approval.search([('origin', '=', str(lawsuit))])
            self.assertScoped('prosecutor.astana', 'kz.approval',
                of_suspension, of_lawsuit)
            self.assertScoped('genprosecutor', 'kz.approval',
                of_suspension + of_lawsuit, [])
            glass = Project.search([
                    ('investor.name', '=', "Qazaq Glass LLP")])
            of_glass = Approval.search([
                    ('origin', 'in', [str(p) for p in glass])])
            self.assertScoped(
                'investor.qazaqglass', 'kz.approval', of_glass, [])
            self.assertScoped(
                'investor.steppe', 'kz.approval', [], of_glass)
            # The National Chamber reads its own lines, never those of the
            # prosecutors or of the investors; the administrator all
            of_chamber = Approval.search([
                    ('organization.kind', '=', 'national_chamber')])
            of_investors = Approval.search([
                    ('organization.kind', '=', 'investor')])
            self.assertTrue(of_chamber and of_investors)
            self.assertScoped('atameken', 'kz.approval', of_chamber,
                of_suspension + of_lawsuit + of_investors)
            self.assertScoped('admin', 'kz.approval',
                of_chamber + of_investors + of_suspension + of_lawsuit, [])
            # The akimat follows the approval of its own projects only
            of_astana = Approval.search([('origin', 'in', [str(p)
                            for p in Project.search([
                                    ('akimat.name', '=', "Akimat — Astana"),
                                    ])])])
            of_shymkent = Approval.search([('origin', 'in', [str(p)
                            for p in Project.search([
                                    ('akimat.name', '=',
                                        "Akimat — Shymkent"),
                                    ])])])
            self.assertTrue(of_astana and of_shymkent)
            self.assertScoped('akimat.astana', 'kz.approval', of_astana,
                of_shymkent)
            self.assertScoped('akimat.shymkent', 'kz.approval', of_shymkent,
                of_astana)

    def test_to_decide(self):
        """The "To decide" list of a user holds the pending lines he may
        decide, whose turn came"""
        from trytond.pool import Pool
        with rolled_back():
            Approval = Pool().get('kz.approval')
            pending = Approval.search([('state', '=', 'pending')])
            self.assertTrue(pending, msg="the demo data changed")
            for login in ['atameken', 'prosecutor.astana', 'genprosecutor',
                    'investor.qazaqglass', 'akimat.astana']:
                with self.subTest(login=login), acting_as(login):
                    lines = Approval.search([('to_decide', '=', True)])
                    self.assertEqual(
                        {l.id for l in lines},
                        {l.id for l in Approval.browse(pending)
                            if l.can_decide and not l.is_waiting()})

    def test_rules_damu(self):
        "A bank reads its own contracts; a coordinator his region's"
        from trytond.pool import Pool
        with rolled_back():
            pool = Pool()
            Contract = pool.get('damu.contract')
            Monitoring = pool.get('damu.monitoring')
            halyk = Contract.search([('bank.name', '=', "Halyk Bank")])
            bcc = Contract.search([('bank.name', '=', "Bank CenterCredit")])
            self.assertScoped('bank', 'damu.contract', halyk, bcc)
            self.assertScoped('bank.bcc', 'damu.contract', bcc, halyk)
            self.assertScoped('bank', 'damu.monitoring',
                Monitoring.search([('contract', 'in', [c.id for c in halyk])]),
                Monitoring.search([('contract', 'in', [c.id for c in bcc])]))
            astana = Contract.search([('region.code', '=', '710000000')])
            others = Contract.search([('region.code', '!=', '710000000')])
            self.assertScoped('damu.coordinator', 'damu.contract',
                astana, others)
            self.assertScoped('damu.commission', 'damu.contract',
                Contract.search([('kind', '=', 'grant')]),
                Contract.search([('kind', '!=', 'grant')]))
            # The demo notice to Halyk Bank: not to Bank CenterCredit
            Notice = pool.get('damu.notice')
            notices = Notice.search([('organization.name', '=', "Halyk Bank"),
                    ('state', '!=', 'draft')])
            self.assertTrue(notices)
            self.assertScoped('bank', 'damu.notice', notices, [])
            self.assertScoped('bank.bcc', 'damu.notice', [], notices)

    def test_export_refused(self):
        """Exporting records the user may not read raises AccessError and
        gives no file, by the Excel list report and by export_data"""
        from trytond.model.exceptions import AccessError
        from trytond.pool import Pool
        with rolled_back():
            pool = Pool()
            ListXlsx = pool.get('kz.list.xlsx', type='report')
            Project = pool.get('ncip.project')
            Contract = pool.get('damu.contract')
            cement, = Project.search([('name', '=', "Cement plant")])
            glass, = Project.search([('name', '=', "Float glass plant")])
            halyk = Contract.search([('bank.name', '=', "Halyk Bank")])
            bcc = Contract.search([('bank.name', '=', "Bank CenterCredit")])
            for login, Model, denied in [
                    ('akimat.shymkent', Project, [glass]),
                    ('akimat.shymkent', Project, [cement, glass]),
                    ('bank', Project, [cement]),
                    ('bank', Contract, bcc),
                    ('bank', Contract, halyk + bcc),
                    ('embassy', Contract, halyk),
                    ]:
                ids = [r.id for r in denied]
                with self.subTest(login=login, model=Model.__name__,
                        ids=ids), acting_as(login):
                    with self.assertRaises(AccessError):
                        ListXlsx.execute(ids, {'model': Model.__name__})
                    with self.assertRaises(AccessError):
                        Model.export_data(Model.browse(ids), ['rec_name'])
            # The same calls work on what the user may read
            with acting_as('akimat.shymkent'):
                oext, content, _, _ = ListXlsx.execute(
                    [cement.id], {'model': 'ncip.project'})
                self.assertEqual(oext, 'xlsx')
                self.assertEqual(
                    Project.export_data([Project(cement.id)], ['name']),
                    [["Cement plant"]])
            with acting_as('bank'):
                self.assertEqual(len(Contract.export_data(
                            Contract.browse([c.id for c in halyk]),
                            ['number'])), len(halyk))

    def _import_annex4(self, data, filename='annex4.xlsx'):
        "Run the Annex 4 import wizard on data as the bank"
        import datetime as dt
        from trytond.pool import Pool
        pool = Pool()
        Organization = pool.get('kz.organization')
        Wizard = pool.get('damu.bank.report.import', type='wizard')
        halyk, = Organization.search([('name', '=', "Halyk Bank")])
        with acting_as('bank'):
            session_id, _, _ = Wizard.create()
            session = Wizard(session_id)
            session.start.bank = Organization(halyk.id)
            session.start.period = dt.date(2025, 3, 1)
            session.start.file = data
            session.start.filename = filename
            session.start.replace = False
            return session.transition_check()

    def test_upload_refused(self):
        """The Annex 4 import refuses a too-big file, a zip bomb, a zip of
        too many parts and XML entities before parsing, and imports
        nothing"""
        from trytond.modules.kz_base.exceptions import UploadError
        from trytond.pool import Pool
        # The configuration singleton is created under a table lock
        with rolled_back(_lock_tables=['kz_configuration']):
            pool = Pool()
            Configuration = pool.get('kz.configuration')
            Report = pool.get('damu.bank.report')
            config = Configuration(1)
            # The suite shares the database: other tests' reports stay
            reports = Report.search([])
            config.damu_max_upload_mb = 1
            config.damu_max_uncompressed_mb = 2
            config.save()
            laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz ['
                b'<!ENTITY lol "lol">'
                b'<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                b'<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>'
                b'<lolz>&lol2;</lolz>')
            external = (b'<?xml version="1.0"?><!DOCTYPE worksheet ['
                b'<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                b'<worksheet><sheetData><row><c t="inlineStr"><is><t>&xxe;'
                b'</t></is></c></row></sheetData></worksheet>')
            for name, data, message in [
                    ('too big', b'PK\x03\x04' + os.urandom(2 * 2 ** 20),
                        'too big: at most 1 MB'),
                    ('zip bomb', zipped({
                                'xl/worksheets/sheet1.xml':
                                b'0' * (20 * 2 ** 20)}),
                        'zip bomb'),
                    ('too many parts', zipped({
                                f'xl/media/image{i}.xml': b'<x/>'
                                for i in range(1001)}),
                        'more than 1000 parts'),
                    ('billion laughs', zipped({
                                'xl/workbook.xml': laughs}),
                        'entities'),
                    ('external entity', zipped({
                                'xl/worksheets/sheet1.xml': external}),
                        'entities'),
                    ]:
                with self.subTest(name=name):
                    with self.assertRaisesRegex(UploadError, message):
                        self._import_annex4(data)
            self.assertEqual(Report.search([]), reports)

    def test_no_traceback_to_users(self):
        "An unexpected server error reaches the client without traceback"
        with support.running_server(DATABASE) as url:
            body = json.dumps({'id': 1, 'method': 'common.db.login',
                    'params': ['admin', {'password': support.ADMIN_PASSWORD},
                        'en']}).encode()
            request = urllib.request.Request(f'{url}{DATABASE}/rpc/',
                data=body, headers={'Content-Type': 'application/json'})
            with urllib.request.urlopen(request) as response:
                user_id, session, _ = json.loads(response.read())['result']
            import base64
            token = base64.b64encode(
                f'admin:{user_id}:{session}'.encode()).decode()
            # read() with a field name that is not a string fails inside
            # the server
            body = json.dumps({'id': 2, 'method': 'model.kz.region.read',
                    'params': [[1], [{'bad': 'field'}], {}]}).encode()
            request = urllib.request.Request(f'{url}{DATABASE}/rpc/',
                data=body, headers={'Content-Type': 'application/json',
                    'Authorization': f'Session {token}'})
            try:
                with urllib.request.urlopen(request) as response:
                    payload = json.loads(response.read())
            except urllib.error.HTTPError as error:
                payload = {'error': [error.read().decode()]}
        self.assertIn('error', payload)
        text = json.dumps(payload['error'])
        self.assertNotIn('Traceback', text)
        self.assertNotIn('File "', text)


if os.environ.get('KZ_SKIP_INTEGRATION'):
    del SecurityTestCase
