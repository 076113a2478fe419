# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"The project passport and its life in Module 2 and 3 (N§43-71)"
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sql.aggregate import Count

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Workflow, fields)
from trytond.modules.kz_base.approval import ApprovalMixin
from trytond.modules.kz_base.deadline import DeadlineMixin
from trytond.modules.kz_base.identifier import BINMixin
from trytond.modules.kz_base.notification import notify_users
from trytond.modules.kz_base.tools import not_in_groups
from trytond.pool import Pool, PoolMeta
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


class Project(
        ApprovalMixin, BINMixin, DeadlineMixin, Workflow, ModelSQL,
        ModelView):
    "Investment project"
    __name__ = 'ncip.project'
    __string__ = "Investment Project"
    _rec_name = 'name'
    _deadline_fields = {'passport_date', 'state', 'roadmap_date',
        'submission_date', 'rejection_date'}
    _deadline_states = ('passport', 'roadmap', 'approval')

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
        User = Pool().get('res.user')
        user = User(Transaction().user)
        return user.kz_organization.id if user.kz_organization else None

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
            pool = project.compute_pool()
            if project.pool != pool:
                to_write.extend([[project], {'pool': pool}])
        if to_write:
            cls.write(*to_write)

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
        default.setdefault('passport_date', None)
        return super().copy(projects, default=default)

    @classmethod
    def check_modification(cls, mode, projects, values=None, external=False):
        pool = Pool()
        Change = pool.get('ncip.project.change')
        super().check_modification(
            mode, projects, values=values, external=external)
        if mode == 'delete':
            for project in projects:
                if project.state != 'passport':
                    raise ProjectError(gettext(
                            'kz_ncip.msg_project_delete_passport',
                            project=project.rec_name))
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
                Change.log(projects, values, logged)

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
        for project in projects:
            approvers = [a.organization for a in project.current_approvals()
                if a.organization]
            notify_users(users_of(approvers),
                gettext('kz_ncip.msg_project_approval_label',
                    project=project.rec_name),
                gettext('kz_ncip.msg_project_approval_description',
                    project=project.rec_name),
                [project])

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
        "The National Chamber, the investor and the responsible bodies"
        pool = Pool()
        Organization = pool.get('kz.organization')
        chambers = Organization.search([('kind', '=', 'national_chamber')])
        if not chambers:
            raise ProjectError(gettext(
                    'kz_ncip.msg_project_no_chamber', project=self.rec_name))
        investors = Organization.search([
                ('party', '=', self.investor.id),
                ])
        if not investors:
            raise ProjectError(gettext(
                    'kz_ncip.msg_project_no_investor_organization',
                    project=self.rec_name, investor=self.investor.rec_name))
        organizations = [chambers[0], investors[0]]
        for task in self.tasks:
            organization = task.responsible_organization
            if (organization and organization not in organizations
                    and organization != self.akimat
                    and organization.kind not in {'investor', 'akimat'}):
                organizations.append(organization)
        return [{'sequence': 10, 'organization': o.id}
            for o in organizations]

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


def users_of(organizations):
    "Return the active users of the organisations"
    User = Pool().get('res.user')
    ids = [o.id for o in organizations if o]
    if not ids:
        return []
    with without_check_access():
        return User.search([('kz_organization', 'in', ids)])


def investor_users(project):
    "Return the users of the investor company of the project"
    Organization = Pool().get('kz.organization')
    with without_check_access():
        return users_of(Organization.search([
                    ('party', '=', project.investor.id),
                    ]))


def users_of_kind(kind):
    Organization = Pool().get('kz.organization')
    with without_check_access():
        return users_of(Organization.search([('kind', '=', kind)]))


class MRP(metaclass=PoolMeta):
    __name__ = 'kz.mrp'

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        "A new or changed MRP moves the projects of its year between pools"
        pool = Pool()
        Project = pool.get('ncip.project')
        super().on_modification(mode, records, field_names=field_names)
        if mode == 'delete':
            return
        years = {r.year for r in records}
        with without_check_access():
            projects = Project.search([
                    ('investment_contract', '=', False),
                    ])
            Project.recompute_pools([p for p in projects
                    if p.passport_date and p.passport_date.year in years])


class Configuration(metaclass=PoolMeta):
    __name__ = 'kz.configuration'
    # Module 2 and 3
    roadmap_days = fields.Integer(
        "Roadmap Days", required=True, domain=[('roadmap_days', '>', 0)],
        help="Calendar days for the akimat to form the roadmap (N§47).")
    approval_days = fields.Integer(
        "Approval Days", required=True, domain=[('approval_days', '>', 0)],
        help="Calendar days within which the roadmap approval must finish, "
        "counted from the approval start event (N§49).")
    approval_start = fields.Selection([
            ('passport', "Passport creation"),
            ('roadmap_formation', "Roadmap formation"),
            ('roadmap_submission', "Roadmap submission"),
            ], "Approval Start", required=True, sort=False,
        help="The event the approval days count from. N§49 says the "
        "passport creation, but N§45 and 47 give 30 days each to the "
        "passport and the roadmap first: the platform's default is the "
        "roadmap submission. A round after a rejection always counts from "
        "its resubmission.")
    roadmap_fix_days = fields.Integer(
        "Roadmap Correction Days", required=True,
        domain=[('roadmap_fix_days', '>', 0)],
        help="Working days to correct a rejected roadmap (N§50).")
    task_validation_days = fields.Integer(
        "Task Validation Days", required=True,
        domain=[('task_validation_days', '>', 0)],
        help="Working days for the National Chamber to validate a task "
        "after its actual end (N§65).")
    rating_band1_days = fields.Integer(
        "Rating: First Band (Days)", required=True,
        domain=[('rating_band1_days', '>', 0)],
        help="Tasks late from 1 to this many days (inclusive) score the "
        "first points (N§62).")
    rating_band2_days = fields.Integer(
        "Rating: Second Band (Days)", required=True,
        domain=[('rating_band2_days', '>', Eval('rating_band1_days', 0))],
        help="Tasks late up to this many days (inclusive) score the second "
        "points; later ones the third points (N§62).")
    rating_points1 = fields.Numeric(
        "Rating: First Band Points", digits=(4, 2), required=True,
        domain=[('rating_points1', '>=', 0)])
    rating_points2 = fields.Numeric(
        "Rating: Second Band Points", digits=(4, 2), required=True,
        domain=[('rating_points2', '>=', 0)])
    rating_points3 = fields.Numeric(
        "Rating: Third Band Points", digits=(4, 2), required=True,
        domain=[('rating_points3', '>=', 0)])
    suspension_decision_days = fields.Integer(
        "Suspension Decision Days", required=True,
        domain=[('suspension_decision_days', '>', 0)],
        help="Working days for the authorized body to decide on a "
        "suspension or exclusion request (N§33).")
    monitoring_years = fields.Integer(
        "Post-investment Monitoring Years", required=True,
        domain=[('monitoring_years', '>', 0)],
        help="Years of post-investment monitoring before the automatic "
        "exclusion (N§34, 69).")
    quarterly_report_day = fields.Integer(
        "Quarterly Report Day", required=True,
        domain=[('quarterly_report_day', '>', 0)],
        help="Front offices report and akimats update the regional pool "
        "by this day of the month after the quarter (N§24, 74-75).")
    consolidated_report_day = fields.Integer(
        "Consolidated Report Day", required=True,
        domain=[('consolidated_report_day', '>', 0)],
        help="The national company sends the consolidated report by this "
        "day of the month after the quarter.")

    @classmethod
    def default_roadmap_days(cls):
        return 30

    @classmethod
    def default_approval_days(cls):
        return 30

    @classmethod
    def default_approval_start(cls):
        return 'roadmap_submission'

    @classmethod
    def default_roadmap_fix_days(cls):
        return 5

    @classmethod
    def default_task_validation_days(cls):
        return 5

    @classmethod
    def default_rating_band1_days(cls):
        return 5

    @classmethod
    def default_rating_band2_days(cls):
        return 15

    @classmethod
    def default_rating_points1(cls):
        return Decimal('0.5')

    @classmethod
    def default_rating_points2(cls):
        return Decimal(1)

    @classmethod
    def default_rating_points3(cls):
        return Decimal('1.5')

    @classmethod
    def default_suspension_decision_days(cls):
        return 5

    @classmethod
    def default_monitoring_years(cls):
        return 3

    @classmethod
    def default_quarterly_report_day(cls):
        return 15

    @classmethod
    def default_consolidated_report_day(cls):
        return 20

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        "A new threshold moves the projects between pools"
        super().on_modification(mode, records, field_names=field_names)
        if mode in {'create', 'write'} and (
                field_names is None or 'national_pool_mrp' in field_names):
            Project = Pool().get('ncip.project')
            # ModelSingleton clears the cached values only after the write
            for cache in Transaction().cache.values():
                if cls.__name__ in cache:
                    cache[cls.__name__].clear()
            with without_check_access():
                Project.recompute_pools()
