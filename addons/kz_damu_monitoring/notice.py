# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Notices of the Damu fund and their delivery: the notice of monitoring to
a bank (D§16, 24) or to the grantee and grantor (D§30) with its document
checklist, the misuse notice to the coordinator and the commission (D§34),
the Act of impossibility (D§33), the monitoring report for signature (D§38)
and the results for the authorized body (D§41, D§29.2)."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.kz_base.notification import notify_users
from trytond.modules.kz_base.who import users_of, users_of_kind, users_of_role
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.report import Report
from trytond.transaction import Transaction, without_check_access

KINDS = [
    ('bank', "Notice of monitoring to the bank"),
    ('grant', "Notice of monitoring to the grantee and grantor"),
    ('misuse', "Notice to the coordinator and the commission"),
    ('impossibility', "Act of impossibility of monitoring"),
    ('report', "Monitoring report for signature"),
    ('results', "Results of the monitoring"),
    ]
# The notices a bank or grantor receives and acknowledges
COUNTERPARTY_KINDS = ['bank', 'grant', 'report']


class Notice(Workflow, ModelSQL, ModelView):
    "Damu notice"
    __name__ = 'damu.notice'
    __string__ = "Damu Notice"
    kind = fields.Selection(KINDS, "Kind", required=True, readonly=True)
    kind_string = kind.translated('kind')
    date = fields.Date("Date", required=True, readonly=True)
    organization = fields.Many2One('kz.organization', "Bank / Grantor",
        readonly=True, ondelete='RESTRICT')
    region = fields.Many2One('kz.region', "Region", readonly=True,
        ondelete='RESTRICT')
    grantee_email = fields.Char("Grantee E-mail",
        states={
            'invisible': Eval('kind') != 'grant',
            'readonly': Eval('state') != 'draft',
            },
        help="The grantee has no account: the notice is mailed to it.")
    lines = fields.One2Many('damu.notice.line', 'notice', "Projects",
        readonly=True)
    documents_date = fields.Function(fields.Date("Documents By"),
        'get_documents_date')
    entrepreneur_notice_date = fields.Function(fields.Date(
            "Notify the Entrepreneurs By",
            states={'invisible': Eval('kind') != 'bank'}),
        'get_entrepreneur_notice_date')
    document = fields.Binary("Document", filename='document_name',
        readonly=True)
    document_name = fields.Char("Document Name", readonly=True)
    sent_date = fields.DateTime("Sent On", readonly=True)
    forwarded_date = fields.DateTime("Sent to the Authorized Body On",
        readonly=True, states={'invisible': Eval('kind') != 'impossibility'})
    deliveries = fields.One2Many('damu.notice.delivery', 'notice',
        "Deliveries", readonly=True)
    acknowledged_by = fields.Many2One('res.user', "Acknowledged By",
        readonly=True, ondelete='RESTRICT')
    acknowledged_date = fields.DateTime("Acknowledged On", readonly=True)
    state = fields.Selection([
            ('draft', "To send"),
            ('sent', "Sent"),
            ('acknowledged', "Acknowledged"),
            ], "State", required=True, readonly=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.state, Index.Equality())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'sent'),
            ('sent', 'acknowledged'),
            }
        cls._buttons.update({
                'send': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'resend': {
                    'invisible': Eval('state') == 'draft',
                    'depends': ['state'],
                    },
                'forward': {
                    'invisible': ((Eval('kind') != 'impossibility')
                        | (Eval('state') == 'draft')
                        | Eval('forwarded_date')),
                    'depends': ['kind', 'state', 'forwarded_date'],
                    },
                'acknowledge': {
                    'invisible': ((Eval('state') != 'sent')
                        | ~Eval('kind').in_(COUNTERPARTY_KINDS)),
                    'depends': ['state', 'kind'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    def get_rec_name(self, name):
        party = self.organization.rec_name if self.organization else ''
        return ' — '.join(filter(None, [self.kind_string, party,
                    str(self.date)]))

    def get_documents_date(self, name):
        dates = [l.monitoring.documents_date for l in self.lines
            if l.monitoring.documents_date]
        return min(dates, default=None)

    def get_entrepreneur_notice_date(self, name):
        dates = [l.monitoring.entrepreneur_notice_date for l in self.lines
            if l.monitoring.entrepreneur_notice_date]
        return min(dates, default=None)

    @property
    def monitorings(self):
        return [l.monitoring for l in self.lines]

    def get_recipients(self, forward=False):
        "Return the users and the extra e-mail addresses of the notice"
        users, emails = [], []
        if forward:
            # D§33, D§41: the authorized body
            users = users_of_kind('authorized_body')
        elif self.kind in COUNTERPARTY_KINDS:
            users = users_of([self.organization])
            if self.kind == 'grant' and self.grantee_email:
                emails.append(self.grantee_email)
        else:
            users = users_of_role('kz_damu_monitoring',
                'group_regional_coordinator', self.region)
            if self.kind == 'misuse':
                users += users_of_role('kz_damu_monitoring',
                    'group_competition_commission')
            elif self.kind == 'results':
                users += users_of_kind('authorized_body')
        return [u for u in users if u.active], emails

    def get_attachments(self):
        "Return the documents (name, content) sent with the notice"
        pool = Pool()
        result = [(self.document_name, self.document)]
        if self.kind == 'impossibility':
            Act = pool.get('damu.act.impossibility', type='report')
            acts = [a for m in self.monitorings for a in m.acts
                if a.kind == 'impossibility']
            if acts:
                _, content, _, name = Act.execute([a.id for a in acts], {})
                result.append((f'{name}.pdf', content))
        elif self.kind == 'report':
            Report_ = pool.get('damu.monitoring.report', type='report')
            _, content, _, name = Report_.execute(
                [m.id for m in self.monitorings], {})
            result.append((f'{name}.pdf', content))
        return result

    def render(self):
        "Render the notice as PDF and keep it on the notice"
        pool = Pool()
        NoticeReport = pool.get('damu.notice', type='report')
        _, content, _, name = NoticeReport.execute([self.id], {})
        self.document = content
        self.document_name = f'{name}.pdf'
        self.save()

    def _deliver(self, forward=False):
        """Notify and mail the recipients; return the delivery values, none
        when the notice has no recipient"""
        pool = Pool()
        Date = pool.get('ir.date')
        User = pool.get('res.user')
        now = dt.datetime.now()
        users, emails = self.get_recipients(forward=forward)
        if not users and not emails:
            return []
        label = gettext('kz_damu_monitoring.msg_notice_label',
            notice=self.kind_string,
            projects=', '.join(m.contract.entrepreneur
                for m in self.monitorings))
        description = gettext('kz_damu_monitoring.msg_notice_description',
            notice=self.kind_string, date=Date.today())
        attachments = self.get_attachments()
        notify_users(users, label, description, [self],
            attachments=attachments, emails=emails)
        attempt = 1 + max((d.attempt for d in self.deliveries), default=0)
        sender = User(Transaction().user) if Transaction().user else None
        values = [{
                'notice': self.id, 'user': u.id, 'email': u.email,
                'sent': now, 'attempt': attempt,
                'sent_by': sender.id if sender else None,
                'forwarded': forward,
                } for u in users]
        values += [{
                'notice': self.id, 'email': e, 'sent': now,
                'attempt': attempt, 'forwarded': forward,
                'sent_by': sender.id if sender else None,
                } for e in emails]
        return values

    @classmethod
    @ModelView.button
    def send(cls, notices):
        """Render and deliver the notices not sent yet; a retried call or
        cron finds them sent and sends nothing twice.  A notice without
        any recipient (no user of the bank yet) stays to send."""
        Delivery = Pool().get('damu.notice.delivery')
        deliveries, sent = [], []
        for notice in notices:
            if notice.state != 'draft' or not any(notice.get_recipients()):
                continue
            notice.render()
            deliveries.extend(notice._deliver())
            sent.append(notice)
        Delivery.create(deliveries)
        cls._sent(sent)

    @classmethod
    @Workflow.transition('sent')
    def _sent(cls, notices):
        cls.write(notices, {'sent_date': dt.datetime.now()})

    @classmethod
    def send_pending(cls):
        "Send the notices left to send (cron)"
        cls.send(cls.search([('state', '=', 'draft')]))

    @classmethod
    @ModelView.button
    def resend(cls, notices):
        "Send again to the current recipients; each sending is logged"
        Delivery = Pool().get('damu.notice.delivery')
        deliveries = []
        for notice in notices:
            if notice.state == 'draft':
                continue
            deliveries.extend(notice._deliver())
        Delivery.create(deliveries)

    @classmethod
    @ModelView.button
    def forward(cls, notices):
        "The Act of impossibility goes on to the authorized body (D§33)"
        Delivery = Pool().get('damu.notice.delivery')
        notices = [n for n in notices if n.kind == 'impossibility'
            and n.state != 'draft' and not n.forwarded_date]
        deliveries = []
        for notice in notices:
            deliveries.extend(notice._deliver(forward=True))
        Delivery.create(deliveries)
        cls.write(notices, {'forwarded_date': dt.datetime.now()})

    @classmethod
    @ModelView.button
    @Workflow.transition('acknowledged')
    def acknowledge(cls, notices):
        """The bank or grantor confirms the receipt; a monitoring report's
        signing period counts from it (D§38)"""
        pool = Pool()
        Monitoring = pool.get('damu.monitoring')
        today = pool.get('ir.date').today()
        cls.write(notices, {
                'acknowledged_by': Transaction().user,
                'acknowledged_date': dt.datetime.now(),
                })
        with without_check_access():
            Monitoring.report_received([m for n in notices
                    if n.kind == 'report' for m in n.monitorings],
                date=today)

    @classmethod
    def create_for(cls, kind, monitorings, **values):
        """Create the notices of kind for the monitorings: one per bank
        with the list of its projects (D§16, 24), else one per project"""
        groups = {}
        for monitoring in monitorings:
            contract = monitoring.contract
            if kind == 'bank':
                key = (contract.bank.id, None)
            else:
                key = (contract.bank.id, monitoring.id)
            groups.setdefault(key, []).append(monitoring)
        return cls.create([dict(values, **{
                        'kind': kind,
                        'organization': ms[0].contract.bank.id,
                        'region': ms[0].contract.region.id,
                        'lines': [('create', [{
                                        'monitoring': m.id,
                                        'sequence': i,
                                        } for i, m in enumerate(ms, 1)])],
                        }) for ms in groups.values()])


class NoticeLine(ModelSQL, ModelView):
    "Damu notice project"
    __name__ = 'damu.notice.line'
    __string__ = "Damu Notice Project"
    notice = fields.Many2One('damu.notice', "Notice", required=True,
        ondelete='CASCADE')
    sequence = fields.Integer("Sequence")
    monitoring = fields.Many2One('damu.monitoring', "Monitoring",
        required=True, ondelete='CASCADE')
    entrepreneur = fields.Function(fields.Char("Entrepreneur"),
        'get_monitoring_field')
    contract_number = fields.Function(fields.Char("Agreement"),
        'get_monitoring_field')
    start_date = fields.Function(fields.Date("Start"),
        'get_monitoring_field')
    end_date = fields.Function(fields.Date("End"), 'get_monitoring_field')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('notice')
        cls._order.insert(0, ('sequence', 'ASC'))

    def get_monitoring_field(self, name):
        contract = self.monitoring.contract
        if name == 'entrepreneur':
            return contract.entrepreneur
        if name == 'contract_number':
            return contract.number
        return getattr(self.monitoring, name)


class NoticeDelivery(ModelSQL, ModelView):
    "Damu notice delivery"
    __name__ = 'damu.notice.delivery'
    __string__ = "Damu Notice Delivery"
    notice = fields.Many2One('damu.notice', "Notice", required=True,
        ondelete='CASCADE')
    user = fields.Many2One('res.user', "User", ondelete='SET NULL')
    email = fields.Char("E-mail")
    sent = fields.DateTime("Sent", required=True)
    attempt = fields.Integer("Sending", required=True,
        help="1 for the first sending, then each re-sending.")
    forwarded = fields.Boolean("To the Authorized Body")
    sent_by = fields.Many2One('res.user', "Sent By", ondelete='SET NULL')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('notice')
        cls._order.insert(0, ('sent', 'DESC'))


class DocumentReport(Report):
    "A Damu document: dates and amounts formatted, blanks when empty"

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        context = super().get_context(records, header, data)
        context['today'] = pool.get('ir.date').today()
        context['fmt'] = _formatter()
        return context


class NoticeReport(DocumentReport):
    "Notice of the Damu fund"
    __name__ = 'damu.notice'


def _formatter():
    "Return a function formatting dates and amounts, blanks when empty"
    Lang = Pool().get('ir.lang')
    lang = Lang.get()

    def fmt(value, blank='___.___.______'):
        if value is None or value == '':
            return blank
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return lang.strftime(value, '%d.%m.%Y')
        if isinstance(value, (int, float)) or hasattr(value, 'quantize'):
            return lang.format('%.2f', value, grouping=True)
        return str(value)
    return fmt
