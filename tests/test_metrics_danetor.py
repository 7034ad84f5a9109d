"""DANETOR (relhealth.metrics.danetor, DESIGN section 4b): a verdict for each count of "no"."""
from relhealth.io import read_dataset
from relhealth.metrics.danetor import danetor


def test_a_danetor_verdict_for_each_count_of_no(folder):
    data = read_dataset(folder({"crm_activities.csv": """\
        date,client,kind,subject,benefits_client,benefits_us,covers_cost
        2026-03-02,Acme,scope_request,Three yes,yes,yes,yes
        2026-03-03,Acme,scope_request,One no,yes,no,yes
        2026-03-04,Acme,scope_request,Two no,нет,да,no
        2026-03-05,Acme,scope_request,Three no,no,no,no
        2026-03-06,Acme,scope_request,No answers,,,
        2026-03-07,Acme,scope_request,One no and a gap,yes,no,
        2026-03-08,Acme,scope_request,Two no and a gap,no,,no
        2026-03-09,Acme,scope_request,Two yes and a gap,yes,yes,
    """}))
    verdicts = danetor(data.crm_activities)
    assert verdicts[["subject", "noes", "verdict"]].values.tolist() == [
        ["Three yes", 0, "accept"], ["One no", 1, "accept"], ["Two no", 2, "decline"], ["Three no", 3, "decline"],
        ["No answers", 0, "not assessed"], ["One no and a gap", 1, "incomplete"], ["Two no and a gap", 2, "decline"],
        ["Two yes and a gap", 0, "accept"]]     # even a "no" in the gap would leave one no: accept
    assert verdicts["row"].tolist() == [2, 3, 4, 5, 6, 7, 8, 9]
