# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"Investor company and contact cards with the KYC procedure (N§38.2)"
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.kz_base.who import user_organization_id
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import KYCError, PartyDuplicateError

COMPANY_SIZES = [
    (None, ""),
    ('micro', "Micro"),
    ('small', "Small"),
    ('medium', "Medium"),
    ('large', "Large"),
    ]
KYC_STATES = [
    ('not_started', "Not Started"),
    ('in_progress', "In Progress"),
    ('passed', "Passed"),
    ('failed', "Failed"),
    ]
KYC_RESULT_FIELDS = {'kyc_state', 'kyc_date', 'kyc_officer'}
KYC_CHECKS = [
    ('registration', "Registration documents"),
    ('ownership', "Beneficial owners"),
    ('sanctions', "Sanctions and watch lists"),
    ('reputation', "Reputation and adverse media"),
    ('financial', "Financial standing"),
    ]


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    _investor_states = {
        'invisible': ~Eval('ncip_investor'),
        }
    ncip_investor = fields.Boolean(
        "Investor Company",
        help="A potential investor followed in the One Window (NCIP).")
    ncip_bin = fields.Function(fields.Char("BIN"),
        'get_ncip_bin', searcher='search_ncip_bin')
    oked = fields.Char("Industry (OKED)", states=_investor_states,
        help="The economic activity of the company (OKED code or name).")
    company_size = fields.Selection(
        COMPANY_SIZES, "Company Size", states=_investor_states, sort=False)
    origin_country = fields.Many2One(
        'country.country', "Country of Origin", ondelete='RESTRICT',
        states=_investor_states)
    ncip_contact = fields.Many2One(
        'party.party', "Contact Person", ondelete='SET NULL',
        states=_investor_states,
        domain=[('ncip_employer', '=', Eval('id', -1))])
    ncip_contacts = fields.One2Many(
        'party.party', 'ncip_employer', "Contact Persons",
        states=_investor_states)
    ncip_employer = fields.Many2One(
        'party.party', "Company", ondelete='SET NULL',
        domain=[('ncip_investor', '=', True)],
        help="The investor company this contact person works for.")
    ncip_position = fields.Char("Position",
        states={'invisible': ~Eval('ncip_employer')})
    ncip_organization = fields.Many2One(
        'kz.organization', "Created by Organisation", readonly=True,
        ondelete='RESTRICT')
    kyc_state = fields.Selection(
        KYC_STATES, "KYC Status", readonly=True, sort=False,
        states=_investor_states)
    kyc_checks = fields.One2Many(
        'ncip.kyc.check', 'party', "KYC Checklist",
        states={
            'invisible': ~Eval('ncip_investor'),
            'readonly': Eval('kyc_state') != 'in_progress',
            })
    kyc_date = fields.Date("KYC Date", readonly=True,
        states=_investor_states)
    kyc_officer = fields.Many2One(
        'res.user', "KYC Officer", readonly=True, ondelete='RESTRICT',
        states=_investor_states)
    kyc_note = fields.Text("KYC Note",
        states={
            'invisible': ~Eval('ncip_investor'),
            'readonly': Eval('kyc_state').in_(['passed', 'failed']),
            })
    del _investor_states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'kyc_start': {
                    'invisible': (~Eval('ncip_investor')
                        | Eval('kyc_state').in_(['in_progress', 'passed'])),
                    'depends': ['ncip_investor', 'kyc_state'],
                    },
                'kyc_pass': {
                    'invisible': (~Eval('ncip_investor')
                        | (Eval('kyc_state') != 'in_progress')),
                    'depends': ['ncip_investor', 'kyc_state'],
                    },
                'kyc_fail': {
                    'invisible': (~Eval('ncip_investor')
                        | (Eval('kyc_state') != 'in_progress')),
                    'depends': ['ncip_investor', 'kyc_state'],
                    },
                })

    @classmethod
    def default_ncip_investor(cls):
        return Transaction().context.get('ncip_investor', False)

    @classmethod
    def default_kyc_state(cls):
        return 'not_started'

    @classmethod
    def default_ncip_organization(cls):
        return user_organization_id()

    @classmethod
    def check_modification(cls, mode, parties, values=None, external=False):
        super().check_modification(
            mode, parties, values=values, external=external)
        # The KYC result changes only through its buttons
        if external and Transaction().user:
            if mode == 'write' and KYC_RESULT_FIELDS & values.keys():
                raise KYCError(gettext('kz_ncip.msg_kyc_buttons_only'))
            if mode == 'create' and any(
                    p.kyc_state not in {None, 'not_started'}
                    or p.kyc_date or p.kyc_officer for p in parties):
                raise KYCError(gettext('kz_ncip.msg_kyc_buttons_only'))

    @classmethod
    def get_ncip_bin(cls, parties, name):
        result = {}
        for party in parties:
            result[party.id] = next((i.code for i in party.identifiers
                    if i.type == 'kz_bin'), None)
        return result

    @classmethod
    def search_ncip_bin(cls, name, clause):
        _, operator, value = clause[:3]
        return [('identifiers', 'where', [
                    ('type', '=', 'kz_bin'),
                    ('code', operator, value),
                    ])]

    @classmethod
    def validate(cls, parties):
        super().validate(parties)
        cls.check_ncip_duplicates(parties)

    @classmethod
    def check_ncip_duplicates(cls, parties):
        "Refuse a second card for the same BIN or name and country"
        Identifier = Pool().get('party.identifier')
        for party in parties:
            for identifier in party.identifiers:
                if identifier.type != 'kz_bin' or not identifier.code:
                    continue
                others = Identifier.search([
                        ('type', '=', 'kz_bin'),
                        ('code', '=', identifier.code),
                        ('party', '!=', party.id),
                        ], limit=1)
                if others:
                    raise PartyDuplicateError(gettext(
                            'kz_ncip.msg_party_duplicate_bin',
                            party=party.rec_name, bin=identifier.code,
                            other=others[0].party.rec_name))
            if party.ncip_investor and party.origin_country:
                others = cls.search([
                        ('ncip_investor', '=', True),
                        ('name', 'ilike', party.name.strip()),
                        ('origin_country', '=', party.origin_country.id),
                        ('id', '!=', party.id),
                        ], limit=1)
                if others:
                    raise PartyDuplicateError(gettext(
                            'kz_ncip.msg_party_duplicate_name',
                            party=party.rec_name,
                            country=party.origin_country.rec_name))

    @classmethod
    @ModelView.button
    def kyc_start(cls, parties):
        "Start the KYC procedure with the standard checklist"
        Check = Pool().get('ncip.kyc.check')
        to_create = []
        for party in parties:
            present = {c.check for c in party.kyc_checks}
            to_create.extend({'party': party.id, 'check': check}
                for check, _ in KYC_CHECKS if check not in present)
        Check.create(to_create)
        cls.write(parties, {
                'kyc_state': 'in_progress',
                'kyc_date': None,
                'kyc_officer': None,
                })

    @classmethod
    @ModelView.button
    def kyc_pass(cls, parties):
        "Mark the KYC passed when every check is done"
        for party in parties:
            missing = [c for c in party.kyc_checks if not c.done]
            if not party.kyc_checks or missing:
                raise KYCError(gettext(
                        'kz_ncip.msg_kyc_checks_not_done',
                        party=party.rec_name,
                        checks=', '.join(c.check_string for c in missing)))
        cls._kyc_decide(parties, 'passed')

    @classmethod
    @ModelView.button
    def kyc_fail(cls, parties):
        "Mark the KYC failed; the note must say why"
        for party in parties:
            if not party.kyc_note:
                raise KYCError(gettext(
                        'kz_ncip.msg_kyc_fail_note', party=party.rec_name))
        cls._kyc_decide(parties, 'failed')

    @classmethod
    def _kyc_decide(cls, parties, state):
        pool = Pool()
        Date = pool.get('ir.date')
        cls.write(parties, {
                'kyc_state': state,
                'kyc_date': Date.today(),
                'kyc_officer': Transaction().user or None,
                })


class PartyIdentifier(metaclass=PoolMeta):
    __name__ = 'party.identifier'

    @classmethod
    def validate(cls, identifiers):
        Party = Pool().get('party.party')
        super().validate(identifiers)
        Party.check_ncip_duplicates(list({i.party for i in identifiers
                    if i.type == 'kz_bin'}))


class KYCCheck(ModelSQL, ModelView):
    "KYC check of an investor company"
    __name__ = 'ncip.kyc.check'
    __string__ = "KYC Check"
    party = fields.Many2One(
        'party.party', "Company", required=True, ondelete='CASCADE')
    check = fields.Selection(KYC_CHECKS, "Check", required=True, sort=False)
    check_string = check.translated('check')
    done = fields.Boolean("Done")
    note = fields.Char("Note")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('party', 'ASC'))

    @classmethod
    def default_done(cls):
        return False
