"""The table helper's download button and the script's CSV rule (the browser side is in
tests/test_browser_phone.py)."""

from __future__ import annotations

import json
import re

from site_fixtures import ROOT

from builder.opendata.formats import FORMULA_START
from builder.site.markup import TABLE_DOWNLOAD, chart, table

DAP_JS = ROOT / "site" / "pages" / "assets" / "dap.js"


def test_the_script_protects_the_same_characters_as_the_open_data_csv() -> None:
    found = re.search(r'var FORMULA_START = ("[^"]*");', DAP_JS.read_text(encoding="utf-8"))
    assert found, "dap.js has no FORMULA_START"
    assert sorted(json.loads(found[1])) == sorted(FORMULA_START)


def test_a_table_with_rows_has_its_download_and_an_empty_one_none() -> None:
    html = table(("А", "Б"), [["1", "=2"]], caption="Т")
    assert html.endswith("</table></div>\n" + TABLE_DOWNLOAD)
    assert "Завантажити таблицю (CSV)" in TABLE_DOWNLOAD
    assert TABLE_DOWNLOAD not in table(("А", "Б"), [])
    assert TABLE_DOWNLOAD not in table(("А", "Б"), [["1", "2"]], download=False)


def test_a_chart_has_its_final_height_before_it_is_drawn() -> None:
    html = chart("Т", ["а", "б", "в"], [{"name": "Н", "values": [1, 2, 3]}], kind="hbar")
    box = re.search(r'<div class="dap-chart"[^>]*>', html)
    assert box and 'style="height:200px"' in box[0]
    spec = json.loads(re.search(r'data-chart="([^"]*)"', html)[1].replace("&quot;", '"'))  # type: ignore[index]
    assert spec["height"] == 200
    tall = chart(
        "Т", [str(i) for i in range(10)], [{"name": "Н", "values": list(range(10))}], kind="hbar"
    )
    assert 'style="height:460px"' in tall
    assert 'style="height:320px"' in chart("Т", ["а"], [{"name": "Н", "values": [1]}], kind="line")
    # the table beside the chart and its download stay one item of the chart's grid
    assert html.count("<div") == html.count("</div>")
