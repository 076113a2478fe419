# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from decimal import Decimal

from trytond.model import fields
from trytond.pool import PoolMeta

# (field name, label, default, help)
DAYS = [
    ('damu_plan_approval_days', "Plan Approval Lead (wd)", 20,
        "The annual monitoring plan is approved at least this many working "
        "days before the new period (D§7)."),
    ('damu_bank_notice_days', "Bank Notice Lead (wd)", 20,
        "Working days before the start of monitoring by which the bank or "
        "leasing company is notified (D§16, 24)."),
    ('damu_entrepreneur_notice_days', "Entrepreneur Notice Lead (wd)", 10,
        "Working days before the start by which the bank notifies the "
        "entrepreneur (D§17, 25)."),
    ('damu_grant_notice_days', "Grant Notice Lead (wd)", 10,
        "Working days before the start by which the grantee and the grantor "
        "are notified (D§30)."),
    ('damu_portfolio_overdue_days', "Portfolio Guarantee Overdue (cd)", 60,
        "A portfolio guarantee is monitored only when the principal is "
        "overdue for more than this many calendar days, unless its "
        "guarantee agreement sets another period (D§22)."),
    ('damu_monitoring_days', "Monitoring Length (wd)", 10,
        "Working days from the start to the end of a monitoring (D§19, "
        "27, 32: the period given in the notice)."),
    ('damu_documents_days', "Documents Lead (wd)", 1,
        "Working days before the start of a monitoring by which the "
        "documents of Annex 1, 2 or 3 are due (D§18, 26, 31)."),
    ('damu_certificate_months', "Certificate of Rights Validity (months)",
        12,
        "A certificate of registered rights older than this is requested "
        "again (Annex 2, item 5)."),
    ('damu_site_visit_days', "Site Visit Limit (cd)", 365,
        "An investment project is visited after the end of its investment "
        "phase and at most this many calendar days after the loan is "
        "issued (D§9)."),
    ('damu_signing_days', "Report Signing (wd)", 5,
        "Working days to sign the monitoring report (D§38)."),
    ('damu_refusal_act_days', "Refusal Act (wd)", 1,
        "Working days to draw up the Act of refusal to sign (D§39)."),
    ('damu_misuse_notice_days', "Misuse Notice (wd)", 5,
        "Working days after the report is signed to notify the regional "
        "coordinator and the commission of a misuse (D§34)."),
    ('damu_commission_decision_days', "Commission Decision (wd)", 10,
        "Working days for the competition commission to decide (D§35)."),
    ('damu_commission_notice_days', "Commission Notice (wd)", 3,
        "Working days for the commission to notify its decision (D§35)."),
    ('damu_remediation_days', "Remediation Period (wd)", 20,
        "Default working days granted to remedy the comments (D§40)."),
    ('damu_bank_report_day', "Bank Report Day", 5,
        "Day of the month by which the bank sends the Annex 4 report of "
        "the previous month (D§21)."),
    ('damu_guarantee_report_day', "Guarantee Report Day", 25,
        "Day of the month by which the Annex 5 guarantee report is sent to "
        "the authorized body (D§23)."),
    ('damu_growth_years', "Growth Obligation Years", 2,
        "Fiscal years after the decision after which the revenue and jobs "
        "growth is checked (D§12.5, 13.3)."),
    ('damu_max_upload_mb', "Maximum Upload (MB)", 20,
        "Largest Annex 4 file accepted."),
    ('damu_max_uncompressed_mb', "Maximum Uncompressed Size (MB)", 200,
        "Largest uncompressed size of an .xlsx file accepted."),
    ('damu_max_rows', "Maximum Annex 4 Rows", 100000,
        "Most report rows an Annex 4 file may have: a longer file is "
        "refused as soon as its reading gets past this row."),
    ('damu_max_errors_shown', "Rejected Rows Listed", 50,
        "Most rejected rows listed in the import wizard; every rejected "
        "row is in the file of rejected rows."),
    ]


def _default(value):
    return classmethod(lambda cls: value)


class Configuration(metaclass=PoolMeta):
    __name__ = 'kz.configuration'

    damu_growth_percent = fields.Numeric(
        "Growth Obligation (%)", digits=(16, 2), required=True,
        domain=[('damu_growth_percent', '>=', 0)],
        help="Revenue and average jobs must grow by this percentage "
        "(D§12.5, 13.3).")

    damu_max_amount = fields.Numeric(
        "Maximum Plausible Amount", digits=(16, 2), required=True,
        domain=[('damu_max_amount', '>=', 0)],
        help="An amount of an Annex 4 row over this (in tenge) is refused "
        "as implausible.")

    @classmethod
    def default_damu_growth_percent(cls):
        return Decimal(10)

    @classmethod
    def default_damu_max_amount(cls):
        return Decimal(10) ** 13


for _name, _label, _value, _help in DAYS:
    setattr(Configuration, _name, fields.Integer(
            _label, required=True, help=_help,
            domain=[(_name, '>=', 0)]))
    setattr(Configuration, 'default_' + _name, _default(_value))
del _name, _label, _value, _help
