"""Permission matrix rows for sufficiency planning (forecasting).

Every member of the area reads the sufficiency page, the national comparison and the SCAP workbook (monitors
too: DfE asks for the SCAP return); recording places is for administrators (``area.manage``). The plain-words
page is public. Without an imported release the pages say so (the SCAP download sends the reader back to the
page with that message), which is what the matrix sees.
"""

from __future__ import annotations


def rules() -> dict:
    from tests import test_permissions as tp

    return {
        "forecasting:sufficiency": tp.area_page(tp.MEMBERS),
        "forecasting:national": tp.area_page(tp.MEMBERS),
        "forecasting:scap-xlsx": tp.area_page(tp.MEMBERS),
        "forecasting:capacity": tp.form_page(tp.MANAGERS),
        "sufficiency-public:index": tp.open_to_all(),
    }
