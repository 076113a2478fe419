# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"The steps the file imports of the module share: upload, check, summary"
from trytond.model import fields
from trytond.modules.kz_base.upload import check_xlsx_upload
from trytond.wizard import Button, StateTransition, StateView


class FileImportStartMixin:
    __slots__ = ()
    file = fields.Binary("File", filename='filename', required=True)
    filename = fields.Char("File Name")
    summary = fields.Text("Summary", readonly=True)


def file_import_states(model, start_view, done_view):
    "Return the start, import_ and done states of a file import wizard"
    return (
        StateView(model, start_view, [
                Button("Cancel", 'end', 'tryton-cancel'),
                Button("Import", 'import_', 'tryton-ok', default=True),
                ]),
        StateTransition(),
        StateView(model, done_view, [
                Button("Close", 'end', 'tryton-close', default=True),
                ]))


class FileImportMixin:
    __slots__ = ()

    def uploaded_data(self):
        "Return the bytes of the file once checked (size, zip, entities)"
        data = bytes(self.start.file or b'')
        check_xlsx_upload(data, self.start.filename)
        return data

    def default_done(self, fields):
        return {'summary': self.start.summary}
