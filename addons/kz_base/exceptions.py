# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class InvalidBIN(ValidationError):
    pass


class MissingMRP(UserError):
    pass


class CalendarError(UserError):
    pass


class DeadlineError(UserError):
    pass


class ApprovalError(UserError):
    pass


class DecisionRequestError(UserError):
    pass


class UploadError(UserError):
    pass


class ClientWriteError(AccessError):
    pass


class ReportConversionError(UserError):
    pass


class DeleteError(UserError):
    pass
