"""The progress bar of relhealth report: pages done, kept and failed, and the time left."""
from relhealth.render.batch import _progress
from relhealth.render.jobs import Outcome


def test_the_progress_bar_counts_pages_done_kept_and_failed(capsys):
    bar = _progress(3, True, kept=2)
    bar.done(Outcome("Acme", True, 1.0))
    bar.done(Outcome("Beta", False, 1.0, "boom"))
    bar.refresh()
    shown = capsys.readouterr().err.replace("\r", "\n").splitlines()[-1]
    assert "2/3" in shown and "failed=1" in shown and "kept=2" in shown and "<" in shown    # tqdm's time left
    bar.close()
