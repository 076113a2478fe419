# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields, tree)
from trytond.pool import Pool
from trytond.pyson import Eval

from .identifier import BINMixin
from .tools import rec_name_domain

TIERS = [
    (None, ""),
    ('external', "External"),
    ('central', "Central"),
    ('regional', "Regional"),
    ]

KINDS = [
    ('embassy', "Embassy"),
    ('national_company', "National company"),
    ('national_company_foreign', "National company foreign office"),
    ('national_company_regional', "National company regional office"),
    ('central_state_body', "Central state body"),
    ('national_chamber', "National Chamber"),
    ('national_holding', "National holding"),
    ('quasi_state', "Quasi-state sector entity"),
    ('akimat', "Akimat"),
    ('regional_organization', "Regional organisation"),
    ('central_state_body_regional',
        "Regional representative of a central state body"),
    ('support_organization', "Business support organisation"),
    ('support_organization_regional',
        "Regional office of a business support organisation"),
    ('authorized_body', "Authorized body"),
    ('task_force', "Task Force"),
    ('investment_council', "Investment Council"),
    ('prosecutor', "Prosecutor's office"),
    ('general_prosecutor', "General Prosecutor's office"),
    ('financial_agency', "Financial agency"),
    ('bank', "Bank"),
    ('leasing_company', "Leasing company"),
    ('investor', "Investor"),
    ]

# The front-office tier each kind belongs to (N§4); the others have none.
# The representatives of central bodies and the offices of the support
# organisations in the regions are regional front offices (N§4 para. 4).
KIND_TIERS = {
    'embassy': 'external',
    'national_company_foreign': 'external',
    'national_company': 'central',
    'national_company_regional': 'central',
    'central_state_body': 'central',
    'national_chamber': 'central',
    'national_holding': 'central',
    'support_organization': 'central',
    'akimat': 'regional',
    'regional_organization': 'regional',
    'central_state_body_regional': 'regional',
    'support_organization_regional': 'regional',
    }
# The kinds that act for one region
REGIONAL_KINDS = ['akimat', 'prosecutor', 'central_state_body_regional',
    'support_organization_regional']


class Organization(
        BINMixin, DeactivableMixin, tree(), ModelSQL, ModelView):
    "State body, front office or other organisation taking part"
    __name__ = 'kz.organization'
    __string__ = "Organisation"
    name = fields.Char("Name", required=True, translate=True)
    short_name = fields.Char("Short Name")
    bin = fields.Char(
        "BIN", size=12, strip=True,
        help="Business identification number (12 digits).")
    kind = fields.Selection(KINDS, "Kind", required=True, sort=False)
    tier = fields.Selection(
        TIERS, "Front-office Tier", sort=False,
        help="The front-office tier: external (embassies), "
        "central (national company, ministries, National Chamber, "
        "support organisations) or regional (akimats, regional "
        "organisations, the regional representatives of central bodies "
        "and support organisations).")
    region = fields.Many2One(
        'kz.region', "Region", ondelete='RESTRICT',
        states={
            'required': Eval('kind').in_(REGIONAL_KINDS),
            })
    parent = fields.Many2One(
        'kz.organization', "Parent", ondelete='RESTRICT')
    children = fields.One2Many('kz.organization', 'parent', "Children")
    country = fields.Many2One(
        'country.country', "Country", ondelete='RESTRICT',
        states={
            'invisible': Eval('tier') != 'external',
            },
        help="The host country of an external front office.")
    party = fields.Many2One(
        'party.party', "Party", ondelete='RESTRICT',
        help="The party used for addresses and contact mechanisms.")
    users = fields.One2Many('res.user', 'kz_organization', "Users")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('bin_unique', Unique(t, t.bin), 'kz_base.msg_organization_bin_unique'),
            ]
        cls._order.insert(0, ('name', 'ASC'))

    @fields.depends('kind', 'tier')
    def on_change_kind(self):
        if self.kind in KIND_TIERS:
            self.tier = KIND_TIERS[self.kind]
        elif self.kind:
            self.tier = None

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ('name', 'short_name', 'bin'))

    @classmethod
    def on_modification(cls, mode, organizations, field_names=None):
        User = Pool().get('res.user')
        super().on_modification(
            mode, organizations, field_names=field_names)
        User._kz_rule_context_cache.clear()

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and 'tier' not in values:
            values['tier'] = KIND_TIERS.get(values.get('kind'))
        return values
