# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""What every Workflow model of the addons checks the same way."""
from trytond.i18n import gettext

from .exceptions import DeleteError


class DraftDeleteMixin:
    """Refuse to delete a record that left its draft states.

    A model mixes it in before Workflow and sets what differs: the states a
    record may still be deleted in, the translated message refusing the
    others and the keyword of the record's name in it, and the error raised
    (a UserError of its module)."""
    __slots__ = ()
    # The states a record may be deleted in
    _delete_states = {'draft'}
    # The message id and the keyword of the record name it is given
    _delete_message = 'kz_base.msg_delete_draft', 'record'
    _delete_error = DeleteError

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if mode == 'delete':
            cls.check_delete_state(records)

    @classmethod
    def check_delete_state(cls, records):
        message, keyword = cls._delete_message
        for record in records:
            if record.state not in cls._delete_states:
                raise cls._delete_error(
                    gettext(message, **{keyword: record.rec_name}))
