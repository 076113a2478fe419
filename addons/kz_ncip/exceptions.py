# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.exceptions import UserError, UserWarning
from trytond.model.exceptions import ValidationError


class ProjectError(UserError):
    pass


class ProjectValidationError(ValidationError):
    pass


# Module 1
class PartyDuplicateError(ValidationError):
    pass


class KYCError(UserError):
    pass


class VisitError(UserError):
    pass


class InitiativeError(UserError):
    pass


# Module 2 and 3
class RoadmapError(UserError):
    pass


class RoadmapWarning(UserWarning):
    pass


class SuspensionError(UserError):
    pass


class MonitoringError(UserError):
    pass


class ChangeRequestError(UserError):
    pass


class ReportingError(UserError):
    pass


class ProgrammeError(UserError):
    pass


class ProgrammeValidationError(ValidationError):
    pass


class CouncilError(UserError):
    pass


class CouncilValidationError(ValidationError):
    pass


class InformationRequestError(UserError):
    pass
