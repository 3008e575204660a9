"""Every report converts to PDF with LibreOffice, and the annual summary prints one page wide.

CI installs LibreOffice (.ci/run) and requires this module to have run unskipped.
"""

import re
import shutil
import subprocess
from decimal import Decimal

import pytest

from assessments.models import QuarterlyReview, ScoringScheme
from reports.selectors import KINDS, build_request
from reports.services import report_write
from tests.factories import confirmed_entry, make_cadre, make_unit
from tests.factories_reports import export_book, make_flag, make_summary

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="needs LibreOffice (soffice)")

PAGE = re.compile(rb"/Type\s*/Page(?![s\w])")
MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]")


@pytest.fixture
def county(world):
    """A small county like the demo's: townships with offices and long position titles."""
    town_c = make_unit("南山乡人民政府", parent=world.county, code="TC")
    for i, unit in enumerate([world.town_a, world.office_a, world.town_b, town_c] * 3):
        cadre = make_cadre(unit, name=f"干部{i}", position="党委副书记、镇长、人大主席团主席（兼）")
        make_summary(cadre, unit_rank=i // 4 + 1, score=Decimal("90") - i, category_rank=i + 1)
        make_flag(cadre, kind="promotion" if i % 2 else "yellow_card")
    scheme = ScoringScheme.objects.create(year=2025, name="2025")
    QuarterlyReview.objects.create(cadre=world.cadre_a, unit=world.town_a, year=2025, quarter=1, scheme=scheme)
    confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer)
    return 2025


def test_every_report_converts_to_pdf_and_the_annual_summary_prints_one_page_wide(world, county, tmp_path):
    params = {"year": 2025, "quarter": 1, "cadre": world.cadre_a}
    paths = []
    for kind in KINDS:
        path = tmp_path / f"{kind}.xlsx"
        report_write(req=build_request(kind=kind, user=world.committee, **params), target=str(path))
        paths.append(path)
    # A profile of its own, so a LibreOffice already running elsewhere does not take the job over.
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), *map(str, paths)],
        capture_output=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    for path in paths:
        pdf = path.with_suffix(".pdf").read_bytes()
        assert pdf.startswith(b"%PDF") and PAGE.search(pdf), path.name
        width, height = map(float, MEDIA_BOX.search(pdf).groups())
        assert width > height, f"{path.name} is not landscape"

    # Each sheet of the annual summary is short enough for one page tall; printed one page wide,
    # the PDF then has exactly one page per sheet (a sheet too wide would spill onto a second).
    book, _rows = export_book("annual-summary", year=2025, user=world.committee)
    pdf = (tmp_path / "annual-summary.pdf").read_bytes()
    assert len(PAGE.findall(pdf)) == len(book.sheetnames) == 5
