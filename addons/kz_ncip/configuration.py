# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from decimal import Decimal

from trytond.model import fields
from trytond.modules.kz_base.tools import invalidate_records
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import without_check_access


class Configuration(metaclass=PoolMeta):
    __name__ = 'kz.configuration'
    national_pool_mrp = fields.Numeric(
        "National Pool Threshold (MRP)", digits=(16, 0), required=True,
        domain=[('national_pool_mrp', '>', 0)],
        help="A project costing at least this many MRP of 1 January of "
        "its year belongs to the national pool (N§23).")
    passport_fill_days = fields.Integer(
        "Passport Filling Days", required=True,
        domain=[('passport_fill_days', '>', 0)],
        help="Calendar days to fill the project passport (N§45).")
    # Module 1
    initiative_handover_days = fields.Integer(
        "Initiative Hand-over Days", required=True,
        domain=[('initiative_handover_days', '>', 0)],
        help="Working days after the visit to hand the initiative over to "
        "the akimat (N§39).")
    initiative_decision_days = fields.Integer(
        "Initiative Decision Days", required=True,
        domain=[('initiative_decision_days', '>', 0)],
        help="Calendar days the akimat has to return, extend or convert "
        "an initiative (N§40).")
    initiative_extension_days = fields.Integer(
        "Initiative Maximum Extension", required=True,
        domain=[('initiative_extension_days', '>', 0)],
        help="The most calendar days an initiative can be extended by, "
        "once (N§40.2).")

    @classmethod
    def default_national_pool_mrp(cls):
        return Decimal(150000)

    @classmethod
    def default_passport_fill_days(cls):
        return 30

    @classmethod
    def default_initiative_handover_days(cls):
        return 3

    @classmethod
    def default_initiative_decision_days(cls):
        return 30

    @classmethod
    def default_initiative_extension_days(cls):
        return 30

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

    # Module 2: the roadmap template
    roadmap_template = fields.Many2One(
        'ncip.roadmap.template', "Roadmap Template", ondelete='RESTRICT',
        help="The template that pre-fills the roadmap of a project when "
        "the akimat forms it.")

    # Investment programmes
    regional_programme_day = fields.Integer(
        "Regional Programme Day", required=True,
        domain=[('regional_programme_day', '>=', 1),
            ('regional_programme_day', '<=', 31)],
        help="Akimats form or update the regional investment programme of "
        "a year by this day of January of that year (N§5-2.16).")

    @classmethod
    def default_regional_programme_day(cls):
        return 15

    # Investment Council
    no_progress_days = fields.Integer(
        "No Progress Days", required=True,
        domain=[('no_progress_days', '>', 0)],
        help="A project being implemented with no change of its state or "
        "its roadmap for more than this many calendar days is listed "
        "without progress for the Investment Council (N§7.2). The rules "
        "set no period: 90 days is the platform's default.")

    @classmethod
    def default_no_progress_days(cls):
        return 90

    # Country programme updates
    country_programme_update_day = fields.Integer(
        "Country Programme Update Day", required=True,
        domain=[('country_programme_update_day', '>=', 1),
            ('country_programme_update_day', '<=', 31)],
        help="Foreign offices update their country investment programme "
        "by this day of the month after each quarter (N§15.2).")

    @classmethod
    def default_country_programme_update_day(cls):
        return 15

    # Investor information requests
    information_request_days = fields.Integer(
        "Information Request Days", required=True,
        domain=[('information_request_days', '>', 0)],
        help="Working days a front office has to answer an investor's "
        "request for information (N§12.7, 16.5).")

    @classmethod
    def default_information_request_days(cls):
        return 5

    # Monitoring plan
    monitoring_plan_revision_months = fields.Integer(
        "Monitoring Plan Revision Months", required=True,
        domain=[('monitoring_plan_revision_months', '>=', 1),
            ('monitoring_plan_revision_months', '<=', 12)],
        help="The monitoring plan is revised at least once a year "
        "(Annex 2 §8): the next revision is due this many months after "
        "the last recorded one.")

    @classmethod
    def default_monitoring_plan_revision_months(cls):
        return 12

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        """A new threshold moves the projects between pools, a new period
        of revision the due date of the pending monitoring plan revisions"""
        pool = Pool()
        Project = pool.get('ncip.project')
        Revision = pool.get('ncip.monitoring.plan.revision')
        super().on_modification(mode, records, field_names=field_names)
        if mode not in {'create', 'write'}:
            return
        pools, revisions = (field_names is None or name in field_names
            for name in ['national_pool_mrp',
                'monitoring_plan_revision_months'])
        if pools or revisions:
            # ModelSingleton clears the cached values only after the write
            invalidate_records(cls.__name__)
        if pools:
            with without_check_access():
                Project.queue_recompute_thresholds(Project.search([]))
        if revisions:
            Revision.recompute_deadlines()
