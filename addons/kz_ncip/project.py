# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"The project passport and its life in Module 2 and 3 (N§43-71)"

from dateutil.relativedelta import relativedelta
from sql.aggregate import Count

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Workflow, fields)
from trytond.modules.kz_base.approval import ApprovalMixin
from trytond.modules.kz_base.deadline import DeadlineMixin
from trytond.modules.kz_base.exceptions import MissingMRP
from trytond.modules.kz_base.feedback import done
from trytond.modules.kz_base.identifier import BINMixin
from trytond.modules.kz_base.notification import notify_users
from trytond.modules.kz_base.tools import not_in_groups
from trytond.modules.kz_base.who import (
    user_organization_id, users_of, users_of_kind)
from trytond.modules.kz_base.workflow import DraftDeleteMixin
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from .exceptions import ProjectError, ProjectValidationError

# The life of a project (N§43-71)
STATES = [
    ('passport', "Passport"),
    ('roadmap', "Roadmap"),
    ('approval', "Approval"),
    ('verification', "Verification"),
    ('with_roadmap', "With Roadmap"),
    ('post_investment', "Post-investment Monitoring"),
    ('suspended', "Suspended"),
    ('closed', "Closed"),
    ('excluded', "Excluded"),
    ('returned', "Returned to Initiative"),
    ]
POOLS = [
    ('regional', "Regional"),
    ('national', "National"),
    ]
# The states of a project that is still being followed
ACTIVE_STATES = ['passport', 'roadmap', 'approval', 'verification',
    'with_roadmap', 'post_investment', 'suspended']
# The states in which a national-pool project can be suspended or
# excluded (N§31): every stage of Module 2 and 3
SUSPENDABLE_STATES = ['passport', 'roadmap', 'approval', 'verification',
    'with_roadmap', 'post_investment']
# The passport (N§46) must be complete before the roadmap is formed
PASSPORT_FIELDS = ['investor', 'bin', 'industry', 'product', 'region',
    'cost', 'financing_scheme', 'contacts', 'description',
    'company_registration_date', 'akimat']
# Past the roadmap these fields change only through a change request
# approved by the authorized body (N§63), in these states of the project
CHANGE_FIELDS = ['cost', 'investment_contract', 'contract_start',
    'contract_end']
CHANGE_STATES = ['with_roadmap', 'post_investment', 'suspended']
# The states in which the passport is still edited directly
PASSPORT_STATES = {'passport', 'roadmap'}
# The task whose validation by the National Chamber opens Module 3 (N§68)
MODULE3_TASK = 'design_capacity'
# Changes of these fields are logged once the roadmap is approved (N§70)
LOGGED_FIELDS = ['cost', 'investment_contract', 'contract_start',
    'contract_end', 'region', 'product', 'financing_scheme',
    'description']

# Projects recomputed by one queued task when the MRP or a threshold changes
THRESHOLDS_BATCH = 500


class Project(
        ApprovalMixin, BINMixin, DraftDeleteMixin, DeadlineMixin, Workflow,
        ModelSQL, ModelView):
    "Investment project"
    __name__ = 'ncip.project'
    __string__ = "Investment Project"
    _rec_name = 'name'
    _deadline_fields = {'passport_date', 'state', 'roadmap_date',
        'submission_date', 'rejection_date'}
    _deadline_states = ('passport', 'roadmap', 'approval')
    # The passport is the project's draft
    _delete_states = {'passport'}
    _delete_message = 'kz_ncip.msg_project_delete_passport', 'project'
    _delete_error = ProjectError

    _states = {
        'readonly': ~Eval('state').in_(['passport', 'roadmap']),
        }

    name = fields.Char("Name", required=True, states=_states)
    number = fields.Char("Number", readonly=True)
    investor = fields.Many2One(
        'party.party', "Investor Company", required=True, states=_states,
        ondelete='RESTRICT')
    bin = fields.Char(
        "BIN", size=12, states=_states,
        help="The BIN of the investor company in Kazakhstan (12 digits).")
    industry = fields.Char(
        "Industry", states=_states,
        help="The economic activity (OKED) of the project.")
    product = fields.Char("Product", states=_states)
    region = fields.Many2One(
        'kz.region', "Region", required=True, states=_states,
        ondelete='RESTRICT')
    cost = fields.Numeric(
        "Estimated Cost", digits=(16, 2), states=_states,
        help="The estimated cost of the project in tenge (KZT).")
    financing_scheme = fields.Text("Financing Scheme", states=_states)
    contacts = fields.Text("Contacts", states=_states)
    description = fields.Text("Short Description", states=_states)
    company_registration_date = fields.Date(
        "Company Registration Date", states=_states,
        help="The date the company was registered in Kazakhstan.")
    investment_contract = fields.Boolean(
        "Investment Contract", states=_states,
        help="A project under an investment contract is in the national "
        "pool whatever its cost.")
    contract_start = fields.Date(
        "Contract Start", states={
            'invisible': ~Eval('investment_contract'),
            'required': Bool(Eval('investment_contract')),
            'readonly': _states['readonly'],
            })
    contract_end = fields.Date(
        "Contract End", states={
            'invisible': ~Eval('investment_contract'),
            'required': Bool(Eval('investment_contract')),
            'readonly': _states['readonly'],
            },
        domain=[If(Bool(Eval('contract_end')) & Bool(Eval('contract_start')),
                ('contract_end', '>=', Eval('contract_start')), ())])
    passport_date = fields.Date(
        "Passport Date", required=True, readonly=True,
        help="The date the passport was created; its deadlines count "
        "from it.")
    pool = fields.Selection(
        POOLS, "Pool", readonly=True,
        help="National: cost at least the threshold in MRP of 1 January "
        "of the passport year, or an investment contract; else regional.")
    initiator = fields.Many2One(
        'kz.organization', "Initiator", readonly=True, ondelete='RESTRICT',
        help="The front office that created the initiative or project.")
    akimat = fields.Many2One(
        'kz.organization', "Akimat", ondelete='RESTRICT', states=_states,
        domain=[('kind', '=', 'akimat'), ('region', '=', Eval('region', -1))],
        help="The akimat of the region that implements the project.")
    investor_has_user = fields.Function(
        fields.Boolean("Investor Has User",
            help="The investor company approves on the platform itself; "
            "else the akimat records its agreement (N§64) or invites it."),
        'get_investor_has_user')
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)
    state_string = state.translated('state')

    # Module 2: roadmap, approval, verification
    stages = fields.One2Many(
        'ncip.roadmap.stage', 'project', "Roadmap Stages",
        states={
            'readonly': ~Eval('state').in_(['roadmap']),
            })
    # Planned in one editable list while the roadmap is formed
    tasks = fields.One2Many(
        'ncip.roadmap.task', 'project', "Roadmap Tasks",
        order=[('stage', 'ASC'), ('sequence', 'ASC NULLS FIRST'),
            ('id', 'ASC')],
        context={'project': Eval('id', -1)}, depends=['id'],
        states={
            'readonly': Eval('state') != 'roadmap',
            })
    roadmap_date = fields.Date(
        "Roadmap Started", readonly=True,
        help="The date the akimat started forming the roadmap (N§47).")
    submission_date = fields.Date(
        "Roadmap Submitted", readonly=True,
        help="The date the roadmap was last sent for approval (N§49).")
    rejection_date = fields.Date("Rejection Date", readonly=True)
    rejection_reason = fields.Text(
        "Rejection Reason", readonly=True,
        states={'invisible': ~Eval('rejection_reason')},
        help="Why the roadmap was sent back for correction (N§50).")
    verified_by = fields.Many2One(
        'res.user', "Verified by", readonly=True, ondelete='RESTRICT')
    verified_date = fields.Date("Verification Date", readonly=True)
    return_reason = fields.Text(
        "Reason to Return",
        states={
            'readonly': ~Eval('state').in_(
                ['passport', 'roadmap', 'approval', 'verification',
                    'with_roadmap']),
            },
        help="Why the project goes back to an initiative: its conditions "
        "or its region changed (N§41).")
    # Module 3
    monitoring_start = fields.Date(
        "Monitoring Start", readonly=True,
        help="The date the project entered post-investment monitoring "
        "(N§68).")
    monitoring_end = fields.Date(
        "Monitoring End", readonly=True,
        help="Three years after the start of monitoring, or the end of the "
        "investment contract (N§34, 69).")
    final_check_date = fields.Date(
        "Final Check Date",
        states={'readonly': (Eval('state') != 'post_investment')
            | not_in_groups('group_authorized_body')},
        help="The final check before the project is closed (N§70).")
    final_check_note = fields.Text(
        "Final Check Conclusion",
        states={'readonly': (Eval('state') != 'post_investment')
            | not_in_groups('group_authorized_body')})
    end_date = fields.Date("End Date", readonly=True,
        help="The date the project was closed, excluded or returned.")
    end_reason = fields.Text("End Reason", readonly=True)
    state_before_suspension = fields.Selection(
        [(None, "")] + [s for s in STATES if s[0] in SUSPENDABLE_STATES],
        "State before Suspension", readonly=True)
    suspensions = fields.One2Many(
        'ncip.project.suspension', 'project', "Suspensions and Exclusions",
        readonly=True)
    issues = fields.One2Many(
        'ncip.project.issue', 'project', "Issues and Proposals",
        readonly=True)
    changes = fields.One2Many(
        'ncip.project.change', 'project', "Change Log", readonly=True)
    change_requests = fields.One2Many(
        'ncip.project.change_request', 'project', "Change Requests",
        readonly=True,
        help="The changes of the cost and of the investment contract "
        "requested by the akimat and decided by the authorized body "
        "(N§63).")
    overdue_tasks = fields.Function(
        fields.Integer("Overdue Tasks"), 'get_task_counts')
    task_count = fields.Function(
        fields.Integer("Tasks"), 'get_task_counts')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality())),
                Index(t, (t.region, Index.Equality())),
                Index(t, (t.pool, Index.Equality())),
                # The list's order: its first page without a sort
                Index(t, (t.passport_date, Index.Range(order='DESC'))),
                # The deadline filters (overdue, due soon)
                Index(t, (t.due_date, Index.Range())),
                })
        cls._order.insert(0, ('passport_date', 'DESC'))
        cls._transitions |= {
            ('passport', 'roadmap'),
            ('roadmap', 'approval'),
            ('approval', 'roadmap'),
            ('approval', 'verification'),
            ('verification', 'with_roadmap'),
            ('verification', 'roadmap'),
            ('with_roadmap', 'post_investment'),
            ('post_investment', 'closed'),
            ('suspended', 'excluded'),
            ('passport', 'returned'),
            ('roadmap', 'returned'),
            ('approval', 'returned'),
            ('verification', 'returned'),
            ('with_roadmap', 'returned'),
            }
        for state in SUSPENDABLE_STATES:
            cls._transitions |= {
                (state, 'suspended'),
                ('suspended', state),
                (state, 'excluded'),
                }
        cls._buttons.update({
                'form_roadmap': {
                    'invisible': Eval('state') != 'passport',
                    'depends': ['state'],
                    },
                'submit': {
                    'invisible': Eval('state') != 'roadmap',
                    'depends': ['state'],
                    },
                'invite_investor': {
                    'invisible': (~Eval('state').in_(['roadmap', 'approval'])
                        | Eval('investor_has_user', True)),
                    'depends': ['state', 'investor_has_user'],
                    },
                'verify': {
                    'invisible': Eval('state') != 'verification',
                    'depends': ['state'],
                    },
                'send_back': {
                    'invisible': Eval('state') != 'verification',
                    'depends': ['state'],
                    },
                'start_monitoring': {
                    'invisible': Eval('state') != 'with_roadmap',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'post_investment',
                    'depends': ['state'],
                    },
                'resume': {
                    'invisible': Eval('state') != 'suspended',
                    'depends': ['state'],
                    },
                'back_to_initiative': {
                    'invisible': ~Eval('state').in_(
                        ['passport', 'roadmap', 'approval', 'verification',
                            'with_roadmap']),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'passport'

    @classmethod
    def default_passport_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_pool(cls):
        return 'regional'

    @classmethod
    def default_investment_contract(cls):
        return False

    @classmethod
    def default_initiator(cls):
        return user_organization_id()

    @classmethod
    def get_task_counts(cls, projects, names):
        "Count the tasks per project in SQL: a list shows 25 tasks a row"
        pool = Pool()
        Task = pool.get('ncip.roadmap.task')
        task = Task.__table__()
        cursor = Transaction().connection.cursor()
        result = {n: {p.id: 0 for p in projects} for n in names}
        domains = {
            'task_count': [],
            'overdue_tasks': [('deadline_state', '=', 'overdue')],
            }
        for sub_ids in grouped_slice(
                [p.id for p in projects], backend.MAX_QUERY_PARAMS):
            sub_ids = list(sub_ids)
            for name in names:
                query = Task.search(
                    [('project', 'in', sub_ids)] + domains[name], query=True)
                cursor.execute(*task.select(task.project, Count(task.id),
                        where=task.id.in_(query), group_by=[task.project]))
                result[name].update(cursor)
        return result

    # Deadlines: the passport in 30 cd (N§45), the roadmap in 30 cd (N§47)
    # or 5 wd after a rejection (N§50), the approval in 30 cd (N§49) from
    # the event set in the configuration: N§49 counts from the passport
    # creation, which N§45 and 47 have already used up
    def get_deadline_start(self):
        if self.state == 'roadmap':
            return self.rejection_date or self.roadmap_date
        elif self.state == 'approval':
            return self.get_approval_start()
        return self.passport_date

    def get_approval_start(self):
        "Return the date the approval of the current round counts from"
        config = Pool().get('kz.configuration')(1)
        if self.rejection_date:
            # A round after a rejection counts from its resubmission
            return self.submission_date
        return {
            'passport': self.passport_date,
            'roadmap_formation': self.roadmap_date,
            'roadmap_submission': self.submission_date,
            }.get(config.approval_start)

    def get_deadline_duration(self):
        config = Pool().get('kz.configuration')(1)
        if self.state == 'roadmap':
            if self.rejection_date:
                return config.roadmap_fix_days, 'working'
            return config.roadmap_days, 'calendar'
        elif self.state == 'approval':
            return config.approval_days, 'calendar'
        return config.passport_fill_days, 'calendar'

    def get_deadline_recipients(self):
        if self.akimat:
            return users_of([self.akimat])
        return []

    def get_deadline_escalation_recipients(self):
        return self.get_deadline_recipients() + users_of_kind(
            'authorized_body')

    def compute_pool(self):
        "Return the pool of the project from its cost and contract (N§23)"
        pool = Pool()
        MRP = pool.get('kz.mrp')
        Configuration = pool.get('kz.configuration')
        if self.investment_contract:
            return 'national'
        if self.cost is None or not self.passport_date:
            return 'regional'
        threshold = MRP.multiple(
            Configuration(1).national_pool_mrp, self.passport_date)
        return 'national' if self.cost >= threshold else 'regional'

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        if (field_names is None
                or field_names & {'cost', 'investment_contract',
                    'passport_date'}):
            pool = self.compute_pool()
            if getattr(self, 'pool', None) != pool:
                values['pool'] = pool
        return values

    @classmethod
    def recompute_pools(cls, projects=None):
        "Recompute the pools, e.g. after the MRP or the threshold changed"
        if projects is None:
            projects = cls.search([])
        to_write = []
        for project in projects:
            try:
                pool = project.compute_pool()
            except MissingMRP:
                # Its year lost its MRP: the pool stays until one is entered
                continue
            if project.pool != pool:
                to_write.extend([[project], {'pool': pool}])
        if to_write:
            cls.write(*to_write)

    @classmethod
    def queue_recompute_thresholds(cls, projects):
        """Queue recompute_thresholds of the projects, in tasks of
        THRESHOLDS_BATCH: thousands of projects would hold the request of
        the settings for minutes"""
        if projects:
            with Transaction().set_context(queue_batch=THRESHOLDS_BATCH):
                cls.__queue__.recompute_thresholds(projects)

    @classmethod
    def recompute_thresholds(cls, projects):
        """Recompute what depends on the MRP of the projects' passport year
        and on the pool thresholds (queued when they change): the pools
        (N§23)"""
        with without_check_access():
            cls.recompute_pools(
                [p for p in projects if not p.investment_contract])

    @classmethod
    def validate_fields(cls, projects, field_names):
        super().validate_fields(projects, field_names)
        if field_names is None or 'cost' in field_names:
            for project in projects:
                if project.cost is not None and project.cost < 0:
                    raise ProjectValidationError(gettext(
                            'kz_ncip.msg_project_cost_negative',
                            project=project.rec_name))

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Sequence = pool.get('ir.sequence')
        ModelData = pool.get('ir.model.data')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('number'):
            with without_check_access():
                values['number'] = Sequence(ModelData.get_id(
                        'kz_ncip', 'sequence_project')).get()
        return values

    @classmethod
    def copy(cls, projects, default=None):
        default = default.copy() if default is not None else {}
        for name in ['number', 'stages', 'tasks', 'approvals', 'suspensions',
                'issues', 'changes', 'change_requests', 'roadmap_date',
                'submission_date', 'rejection_date', 'rejection_reason',
                'verified_by',
                'verified_date', 'monitoring_start', 'monitoring_end',
                'end_date', 'end_reason', 'return_reason',
                'final_check_date', 'final_check_note']:
            default.setdefault(name, None)
        # A copy is a new passport of today: its deadlines count from it
        default.setdefault('state', 'passport')
        default.setdefault(
            'passport_date', lambda data: Pool().get('ir.date').today())
        return super().copy(projects, default=default)

    @classmethod
    def check_modification(cls, mode, projects, values=None, external=False):
        pool = Pool()
        Change = pool.get('ncip.project.change')
        super().check_modification(
            mode, projects, values=values, external=external)
        if mode == 'write' and external:
            changed = [f for f in CHANGE_FIELDS if f in values]
            for project in projects:
                if project.state in PASSPORT_STATES:
                    continue
                if any(getattr(project, f) != values[f] for f in changed):
                    raise ProjectError(gettext(
                            'kz_ncip.msg_project_change_request_needed',
                            project=project.rec_name))
        if mode == 'write':
            logged = [f for f in LOGGED_FIELDS if f in values]
            if logged:
                Change.record_changes(projects, values, logged)

    # Transitions
    @classmethod
    @ModelView.button
    @Workflow.transition('roadmap')
    def form_roadmap(cls, projects):
        "Close the passport and start the roadmap with its standard tasks"
        pool = Pool()
        Stage = pool.get('ncip.roadmap.stage')
        Date = pool.get('ir.date')
        today = Date.today()
        for project in projects:
            project.check_passport()
        cls.write(projects, {'roadmap_date': today})
        Stage.create_standard([p for p in projects if not p.stages])

    def check_passport(self):
        "Raise when a field of the passport (N§46) is missing"
        missing = [f for f in PASSPORT_FIELDS
            if getattr(self, f) is None or getattr(self, f) == '']
        if missing:
            strings = self.fields_get(missing)
            raise ProjectError(gettext(
                    'kz_ncip.msg_project_passport_missing',
                    project=self.rec_name,
                    fields=', '.join(strings[f]['string'] for f in missing)))

    @classmethod
    @ModelView.button
    @Workflow.transition('approval')
    def submit(cls, projects):
        "Send the roadmap to the National Chamber, the investor and the "
        "responsible bodies (N§49)"
        Date = Pool().get('ir.date')
        for project in projects:
            project.check_roadmap()
        cls.write(projects, {'submission_date': Date.today()})
        cls.request_approval(projects)
        approvers = []
        for project in projects:
            approvers = [a.organization for a in project.current_approvals()
                if a.organization]
            notify_users(users_of(approvers),
                gettext('kz_ncip.msg_project_approval_label',
                    project=project.rec_name),
                gettext('kz_ncip.msg_project_approval_description',
                    project=project.rec_name),
                [project])
        return done(gettext('kz_ncip.msg_project_submitted_feedback',
                projects=', '.join(p.rec_name for p in projects),
                approvers=', '.join(sorted({
                            a.rec_name for p in projects
                            for a in p.current_approvals()}))))

    def check_roadmap(self):
        "Raise when the roadmap is not complete (N§47)"
        if not self.tasks:
            raise ProjectError(gettext(
                    'kz_ncip.msg_project_roadmap_empty',
                    project=self.rec_name))
        for task in self.tasks:
            if not task.deadline or not (
                    task.responsible_organization
                    or task.responsible_person):
                raise ProjectError(gettext(
                        'kz_ncip.msg_project_task_incomplete',
                        project=self.rec_name, task=task.rec_name))

    def get_approvers(self):
        """The National Chamber, the investor and the responsible bodies
        (N§49).  An investor company not yet registered as an organisation
        becomes one; while it has no user, the akimat records its
        agreement with the document the investor signed (N§64)."""
        pool = Pool()
        Organization = pool.get('kz.organization')
        chambers = Organization.search([('kind', '=', 'national_chamber')])
        if not chambers:
            raise ProjectError(gettext(
                    'kz_ncip.msg_project_no_chamber', project=self.rec_name))
        investor = self.investor_organization()
        organizations = [chambers[0], investor]
        for task in self.tasks:
            organization = task.responsible_organization
            if (organization and organization not in organizations
                    and organization != self.akimat
                    and organization.kind not in {'investor', 'akimat'}):
                organizations.append(organization)
        approvers = [{'sequence': 10, 'organization': o.id}
            for o in organizations]
        if self.akimat:
            approvers[1]['proxy'] = self.akimat.id
        return approvers

    def get_investor_has_user(self, name):
        pool = Pool()
        Organization = pool.get('kz.organization')
        User = pool.get('res.user')
        if not self.investor:
            return False
        with without_check_access():
            organizations = Organization.search([
                    ('party', '=', self.investor.id)])
            return bool(organizations and User.search([
                        ('kz_organization', 'in',
                            [o.id for o in organizations]),
                        ], limit=1))

    def check_invite_investor(self):
        """Only the akimat of the project invites, while the roadmap is
        prepared or approved, an investor that has no user yet"""
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        user_id = Transaction().user
        admin = ModelData.get_id('kz_base', 'group_kz_admin')
        if user_id and admin not in User.get_groups():
            context = User.kz_rule_context()
            if not self.akimat or self.akimat.id not in (
                    context['kz_organizations']):
                raise ProjectError(gettext(
                        'kz_ncip.msg_project_invite_akimat',
                        project=self.rec_name))
        if self.state not in {'roadmap', 'approval'}:
            raise ProjectError(gettext(
                    'kz_ncip.msg_project_invite_state',
                    project=self.rec_name))
        if self.investor_has_user:
            raise ProjectError(gettext(
                    'kz_ncip.msg_project_invite_has_user',
                    project=self.rec_name,
                    investor=self.investor.rec_name))

    @classmethod
    @ModelView.button_action('kz_ncip.wizard_project_invite_investor')
    def invite_investor(cls, projects):
        pass

    def investor_organization(self):
        "Return the organisation of the investor company, created if none"
        Organization = Pool().get('kz.organization')
        with without_check_access():
            investors = Organization.search([
                    ('party', '=', self.investor.id),
                    ], limit=1)
            if investors:
                return investors[0]
            investor, = Organization.create([{
                        'name': self.investor.rec_name,
                        'kind': 'investor',
                        'party': self.investor.id,
                        }])
        return investor

    def get_approval_document(self):
        document = super().get_approval_document()
        document.update({
                'number': self.number,
                'name': self.name,
                'region': self.region,
                'investor': self.investor.rec_name if self.investor else None,
                })
        return document

    @classmethod
    def approval_approved(cls, projects):
        "All approved: the authorized body verifies (N§51)"
        super().approval_approved(projects)
        projects = [p for p in projects if p.state == 'approval']
        cls.to_verification(projects)
        notify_users(users_of_kind('authorized_body'),
            gettext('kz_ncip.msg_project_verification_label'),
            gettext('kz_ncip.msg_project_verification_description',
                projects=', '.join(p.rec_name for p in projects)),
            projects)

    @classmethod
    def approval_rejected(cls, projects):
        "A rejection sends the roadmap back for 5 working days (N§50)"
        super().approval_rejected(projects)
        Date = Pool().get('ir.date')
        today = Date.today()
        projects = [p for p in projects if p.state == 'approval']
        to_write = []
        for project in projects:
            reasons = [a.reason for a in project.current_approvals()
                if a.state == 'rejected' and a.reason]
            to_write.extend([[project], {
                        'rejection_reason': '\n'.join(reasons),
                        'rejection_date': today,
                        }])
        if to_write:
            cls.write(*to_write)
        cls.back_to_roadmap(projects)
        for project in projects:
            notify_users(
                users_of(filter(None, [project.akimat, project.initiator])),
                gettext('kz_ncip.msg_project_rejected_label',
                    project=project.rec_name),
                gettext('kz_ncip.msg_project_rejected_description',
                    project=project.rec_name,
                    reason=project.rejection_reason,
                    due_date=project.due_date),
                [project])

    @classmethod
    @Workflow.transition('verification')
    def to_verification(cls, projects):
        pass

    @classmethod
    @Workflow.transition('roadmap')
    def back_to_roadmap(cls, projects):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('with_roadmap')
    def verify(cls, projects):
        "The authorized body verifies the passport and roadmap (N§51-52)"
        Date = Pool().get('ir.date')
        cls.write(projects, {
                'verified_by': Transaction().user,
                'verified_date': Date.today(),
                })
        return done(gettext('kz_ncip.msg_project_verified_feedback',
                projects=', '.join(p.rec_name for p in projects)))

    @classmethod
    @ModelView.button
    @Workflow.transition('roadmap')
    def send_back(cls, projects):
        "The authorized body sends the roadmap back for correction"
        Date = Pool().get('ir.date')
        for project in projects:
            if not (project.return_reason or '').strip():
                raise ProjectError(gettext(
                        'kz_ncip.msg_project_send_back_reason',
                        project=project.rec_name))
        for project in projects:
            cls.write([project], {
                    'rejection_reason': project.return_reason,
                    'rejection_date': Date.today(),
                    'return_reason': None,
                    })

    @classmethod
    @ModelView.button
    @Workflow.transition('post_investment')
    def start_monitoring(cls, projects):
        """Once the National Chamber validated that the project reached its
        design capacity or started serial production (N§48.3, 68);
        commissioning alone is not enough"""
        Date = Pool().get('ir.date')
        today = Date.today()
        for project in projects:
            if not project.design_capacity_validated:
                raise ProjectError(gettext(
                        'kz_ncip.msg_project_design_capacity_not_validated',
                        project=project.rec_name))
        to_write = []
        for project in projects:
            to_write.extend([[project], {
                        'monitoring_start': today,
                        'monitoring_end': project.compute_monitoring_end(
                            today),
                        }])
        if to_write:
            cls.write(*to_write)

    @property
    def design_capacity_validated(self):
        return any(t.kind == MODULE3_TASK and t.state == 'validated'
            and t.validated_by for t in self.tasks)

    def compute_monitoring_end(self, start):
        "Three years (or the contract term) of monitoring (N§69)"
        config = Pool().get('kz.configuration')(1)
        if self.investment_contract and self.contract_end:
            return self.contract_end
        return start + relativedelta(years=config.monitoring_years)

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, projects):
        "Close after the final check; the project stays for analytics (N§71)"
        Date = Pool().get('ir.date')
        for project in projects:
            if not project.final_check_date or not (
                    project.final_check_note or '').strip():
                raise ProjectError(gettext(
                        'kz_ncip.msg_project_final_check',
                        project=project.rec_name))
        cls.write(projects, {'end_date': Date.today()})

    @classmethod
    @Workflow.transition('suspended')
    def suspend(cls, projects):
        "Suspended at any stage (N§31); its deadline waits meanwhile"
        for project in projects:
            cls.write([project], {'state_before_suspension': project.state})
        running = [p for p in projects
            if p.deadline_running and not p.deadline_paused_since]
        if running:
            cls.pause_deadline(running)

    @classmethod
    @ModelView.button
    def resume(cls, projects):
        "The authorized body lifts the suspension: back to the same stage"
        by_state = {}
        for project in projects:
            if project.state != 'suspended':
                continue
            state = project.state_before_suspension or 'with_roadmap'
            by_state.setdefault(state, []).append(project)
        for state, records in by_state.items():
            # One transition per stage: it checks and logs like a button
            Workflow.transition(state)(_resume)(cls, records)
        resumed = [p for r in by_state.values() for p in r]
        if resumed:
            cls.write(resumed, {'state_before_suspension': None})
        paused = [p for p in cls.browse(resumed) if p.deadline_paused_since]
        if paused:
            cls.resume_deadline(paused)

    @classmethod
    @Workflow.transition('excluded')
    def exclude(cls, projects, reason=None):
        Date = Pool().get('ir.date')
        cls.write(projects, {
                'end_date': Date.today(),
                'end_reason': reason,
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('returned')
    def back_to_initiative(cls, projects):
        "Conditions or region changed: back to the initiator (N§41)"
        pool = Pool()
        Date = pool.get('ir.date')
        try:
            Initiative = pool.get('ncip.initiative')
        except KeyError:
            Initiative = None
        for project in projects:
            if not (project.return_reason or '').strip():
                raise ProjectError(gettext(
                        'kz_ncip.msg_project_return_reason',
                        project=project.rec_name))
        for project in projects:
            if Initiative and hasattr(Initiative, 'reopen_from_project'):
                Initiative.reopen_from_project(
                    project, project.return_reason)
            cls.write([project], {
                    'end_date': Date.today(),
                    'end_reason': project.return_reason,
                    })

    @classmethod
    def exclude_expired(cls):
        "Exclude automatically at the end of monitoring or contract (N§34)"
        Date = Pool().get('ir.date')
        today = Date.today()
        projects = cls.search(['OR', [
                    ('state', '=', 'post_investment'),
                    ('monitoring_end', '<=', today),
                    ], [
                    # A Module 3 project suspended past its monitoring end
                    ('state', '=', 'suspended'),
                    ('state_before_suspension', '=', 'post_investment'),
                    ('monitoring_end', '<=', today),
                    ], [
                    ('state', 'in', ['with_roadmap', 'post_investment',
                            'suspended']),
                    ('investment_contract', '=', True),
                    ('contract_end', '<=', today),
                    ]])
        if projects:
            cls.exclude(projects, reason=gettext(
                    'kz_ncip.msg_project_auto_excluded'))
            for project in projects:
                notify_users(project.akimat_users() + investor_users(project),
                    gettext('kz_ncip.msg_project_auto_excluded_label',
                        project=project.rec_name),
                    gettext('kz_ncip.msg_project_auto_excluded_description',
                        project=project.rec_name, date=today),
                    [project])
        return projects

    def akimat_users(self):
        "The users of the project's akimat, else of its region's akimats"
        Organization = Pool().get('kz.organization')
        if self.akimat:
            return users_of([self.akimat])
        with without_check_access():
            return users_of(Organization.search([
                        ('kind', '=', 'akimat'),
                        ('region', '=', self.region.id),
                        ]))


def _resume(cls, projects):
    "The transition back to the stage before the suspension"


def investor_users(project):
    "Return the users of the investor company of the project"
    Organization = Pool().get('kz.organization')
    with without_check_access():
        return users_of(Organization.search([
                    ('party', '=', project.investor.id),
                    ]))
