# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"Module 3: post-investment monitoring (N§69-71)"
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.kz_base.notification import notify_users
from trytond.modules.kz_base.who import users_of_kind
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import MonitoringError


class Issue(Workflow, ModelSQL, ModelView):
    "Issue or proposal raised by the investor"
    __name__ = 'ncip.project.issue'
    __string__ = "Investor Issue or Proposal"
    _states = {'readonly': Eval('state') != 'open'}
    project = fields.Many2One(
        'ncip.project', "Project", required=True, ondelete='CASCADE',
        domain=[('state', '=', 'post_investment')],
        states={'readonly': Eval('id', -1) >= 0})
    kind = fields.Selection([
            ('issue', "Problem"),
            ('proposal', "Improvement proposal"),
            ], "Kind", required=True, states=_states)
    subject = fields.Char("Subject", required=True, states=_states)
    description = fields.Text("Description", required=True, states=_states)
    raised_by = fields.Many2One(
        'res.user', "Raised by", readonly=True, ondelete='RESTRICT')
    answer = fields.Text(
        "Answer", states={'readonly': Eval('state') != 'open'})
    answered_by = fields.Many2One(
        'res.user', "Answered by", readonly=True, ondelete='RESTRICT')
    answer_date = fields.Date("Answer Date", readonly=True)
    state = fields.Selection([
            ('open', "Open"),
            ('answered', "Answered"),
            ], "State", readonly=True, required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.project, Index.Equality())))
        cls._order.insert(0, ('create_date', 'DESC'))
        cls._transitions |= {('open', 'answered')}
        cls._buttons.update({
                'answer_issue': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'open'

    @classmethod
    def default_kind(cls):
        return 'issue'

    def get_rec_name(self, name):
        return self.subject

    @classmethod
    def preprocess_values(cls, mode, values):
        Project = Pool().get('ncip.project')
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            values['raised_by'] = Transaction().user or None
            if values.get('project'):
                project = Project(values['project'])
                if project.state != 'post_investment':
                    raise MonitoringError(gettext(
                            'kz_ncip.msg_issue_project_state',
                            project=project.rec_name))
        return values

    @classmethod
    def on_modification(cls, mode, issues, field_names=None):
        super().on_modification(mode, issues, field_names=field_names)
        if mode == 'create':
            notify_users(users_of_kind('authorized_body'),
                gettext('kz_ncip.msg_issue_label'),
                gettext('kz_ncip.msg_issue_description',
                    issues=', '.join(
                        '%s (%s)' % (i.rec_name, i.project.rec_name)
                        for i in issues)),
                issues)

    @classmethod
    @ModelView.button
    @Workflow.transition('answered')
    def answer_issue(cls, issues):
        "The authorized body answers (N§69)"
        Date = Pool().get('ir.date')
        for issue in issues:
            if not (issue.answer or '').strip():
                raise MonitoringError(gettext(
                        'kz_ncip.msg_issue_answer', issue=issue.rec_name))
        cls.write(list(issues), {
                'answered_by': Transaction().user,
                'answer_date': Date.today(),
                })
        for issue in issues:
            if issue.raised_by:
                notify_users([issue.raised_by],
                    gettext('kz_ncip.msg_issue_answered_label',
                        issue=issue.rec_name),
                    issue.answer, [issue])


class Change(ModelSQL, ModelView):
    "Project change"
    __name__ = 'ncip.project.change'
    __string__ = "Project Change"
    project = fields.Many2One(
        'ncip.project', "Project", required=True, ondelete='CASCADE',
        readonly=True)
    field = fields.Char("Field", readonly=True)
    old_value = fields.Char("Old Value", readonly=True)
    new_value = fields.Char("New Value", readonly=True)
    project_state = fields.Char("Project State", readonly=True)
    user = fields.Many2One(
        'res.user', "User", readonly=True, ondelete='RESTRICT')
    date = fields.Function(fields.DateTime("Date"), 'get_date')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.project, Index.Equality())))
        cls._order.insert(0, ('create_date', 'DESC'))

    def get_date(self, name):
        if self.create_date:
            return self.create_date.replace(microsecond=0)

    @staticmethod
    def _format(project, name, value):
        Project = Pool().get('ncip.project')
        field = Project._fields[name]
        if value is None or value == '':
            return ''
        if field._type == 'many2one':
            Target = Pool().get(field.model_name)
            return Target(int(value)).rec_name
        if field._type == 'boolean':
            return '1' if value else '0'
        if field._type == 'numeric':
            digits = field.digits[1] if field.digits else 2
            return str(Decimal(str(value)).quantize(Decimal(10) ** -digits))
        return str(value)[:500]

    @classmethod
    def record_changes(cls, projects, values, names):
        "Keep who changed what on projects past their passport (N§70)"
        pool = Pool()
        Project = pool.get('ncip.project')
        strings = Project.fields_get(names)
        to_create = []
        for project in projects:
            if project.state == 'passport':
                continue
            for name in names:
                old = getattr(project, name)
                if hasattr(old, 'id'):
                    old = old.id
                new = values[name]
                if old == new:
                    continue
                to_create.append({
                        'project': project.id,
                        'field': strings[name]['string'],
                        'old_value': cls._format(project, name, old),
                        'new_value': cls._format(project, name, new),
                        'project_state': project.state_string,
                        'user': Transaction().user or None,
                        })
        if to_create:
            cls.create(to_create)

    @classmethod
    def check_modification(cls, mode, changes, values=None, external=False):
        super().check_modification(
            mode, changes, values=values, external=external)
        if external and mode in {'write', 'delete'}:
            raise MonitoringError(gettext('kz_ncip.msg_change_modify'))
