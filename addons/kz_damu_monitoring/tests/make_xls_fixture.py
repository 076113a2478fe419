# This file is part of the KZ Investment Platform.
"""Write tests/annex4_sample.xls, the legacy Excel fixture of the Annex 4
import test.  xlwt is not a dependency of the module; run once with it:

    pip download --no-deps xlwt==1.3.0 -d /tmp/xlwt
    PYTHONPATH=/tmp/xlwt/xlwt-1.3.0-py2.py3-none-any.whl \
        python tests/make_xls_fixture.py
"""
import datetime as dt
import os

import xlwt

ROWS = [
    # 29 columns of Annex 4
    [1, "Halyk Bank", "Astana", "Entrepreneur G-1", "880101300010", "LLP",
        "G-1", dt.date(2024, 3, 1), 60, 100000000, 12.5, 6, 0,
        dt.date(2024, 3, 10), 100000000, 50000000, "GA-1",
        dt.date(2024, 3, 1), 50000000, 25000000, 1000000, 15, 3,
        "investment", "10.11", "active", "12", dt.date(2024, 2, 15), "1"],
    [2, "Halyk Bank", "Astana", "Entrepreneur S-1", "990140000384", "LLP",
        "S-1", dt.date(2024, 3, 1), 36, 100000000, 14, 0, 0,
        dt.date(2024, 3, 5), 80000000, 70000000, "", None, None, None,
        0, 0, 0, "working capital", "47.11", "active", "6",
        dt.date(2024, 2, 10), "1"],
    ]


def main():
    book = xlwt.Workbook(encoding='utf-8')
    sheet = book.add_sheet("Annex 4")
    date_style = xlwt.easyxf(num_format_str='DD.MM.YYYY')
    sheet.write(0, 0, "Report of Halyk Bank on current monitoring (Annex 4)")
    for column in range(29):
        sheet.write(1, column, column + 1)
    for row, values in enumerate(ROWS, 2):
        for column, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, dt.date):
                sheet.write(row, column, value, date_style)
            else:
                sheet.write(row, column, value)
    book.save(os.path.join(os.path.dirname(__file__), 'annex4_sample.xls'))


if __name__ == '__main__':
    main()
