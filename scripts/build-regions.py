"""Write partnerships/data/nuts2024_level2.csv, the NUTS 2024 level-2 regions the portal loads.

Reads the Eurostat/GISCO region list (code, national name, NUTS country) and the portal's own
data file, whose regional partnerships name some regions in English ("Lombardy" for ITC4):
those English names are kept where they differ from the national one by more than
punctuation or case; the others stay blank, meaning the same as the national name. Run by
scripts/build-map; the output depends only on its two inputs.
"""

import csv
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path(sys.argv[1])
TARGET = ROOT / "partnerships" / "data" / "nuts2024_level2.csv"
DATA = ROOT / "pactportal" / "data" / "pact_for_skills.json"
# NUTS writes Greece as EL; the portal's countries are ISO 3166-1 (GR). Kosovo (XK) has no
# ISO 3166-1 code, so its region has no country row.
ISO_BY_NUTS = {"EL": "GR", "XK": ""}

english = {}
for partnership in json.loads(DATA.read_text(encoding="utf-8"))["partnerships"]:
    for area in partnership.get("regions") or []:
        if len(area.get("nuts_code") or "") == 4:
            english.setdefault(area["nuts_code"], area["name"].strip())


def same(a: str, b: str) -> bool:
    """Whether two names differ only in punctuation or case ("Friuli Venezia Giulia")."""
    return re.sub(r"\W", "", a).casefold() == re.sub(r"\W", "", b).casefold()


with SOURCE.open(encoding="utf-8", newline="") as handle:
    rows = list(csv.DictReader(handle))

with TARGET.open("w", encoding="utf-8", newline="") as handle:
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(["code", "name", "name_en", "country"])
    for row in sorted(rows, key=lambda row: row["code"]):
        # Five names carry a trailing space in the source.
        name = row["name"].strip()
        name_en = english.get(row["code"], "")
        country = ISO_BY_NUTS.get(row["country"], row["country"])
        writer.writerow([row["code"], name, "" if same(name_en, name) else name_en, country])
