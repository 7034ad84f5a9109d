"""The benchmark's synthetic agencies (bench/scale.py): the sample's stories at any size, readable as they come."""
import pandas as pd

from bench import scale
from relhealth.cli import main


def test_an_agency_at_scale_has_the_asked_rows_and_reads_cleanly(tmp_path, capsys):
    folder = scale.write_agency(tmp_path / "agency", clients=12, time_entries=3000, crm=900, invoices=60)
    read = {name: pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
            for name in ("clients", "time_entries", "crm_activities", "invoices")}
    assert [len(read[n]) for n in ("clients", "time_entries", "crm_activities", "invoices")] == [12, 3000, 900, 60]
    # client k follows story k % 10: the 11th client is the second Northwind Outfitters
    assert read["clients"]["client"].tolist()[10:] == ["Northwind Outfitters 002", "Alpenrose Hotels GmbH 002"]
    assert read["time_entries"]["client"].isin(read["clients"]["client"]).all()
    assert read["time_entries"]["date"].min() >= "2025-11-01" and read["crm_activities"]["date"].max() < "2026-11"
    assert main(["validate", str(folder)]) == 0
    assert "error" not in capsys.readouterr().err
